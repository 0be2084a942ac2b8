#!/usr/bin/env bash
# Download bert-base-uncased and the GLUE data for users with internet access (not used by the
# tests, which read ../shared/data). Needs curl and unzip.
#
#   tools/download.sh [DEST]      (default DEST=data: data/bert-base-uncased, data/glue/<TASK>)
set -euo pipefail
dest=${1:-data}
hub=https://huggingface.co/bert-base-uncased/resolve/main
glue=https://dl.fbaipublicfiles.com/glue/data
senteval=https://dl.fbaipublicfiles.com/senteval/senteval_data

mkdir -p "$dest/bert-base-uncased" "$dest/glue"
for f in config.json vocab.txt tokenizer_config.json model.safetensors; do
  echo "bert-base-uncased/$f"
  curl -fL --retry 3 -o "$dest/bert-base-uncased/$f.part" "$hub/$f" && mv "$dest/bert-base-uncased/$f.part" "$dest/bert-base-uncased/$f"
done

for task in CoLA SST-2 QQP STS-B MNLI QNLI RTE WNLI; do
  echo "glue/$task"
  curl -fL --retry 3 -o "$dest/glue/$task.zip" "$glue/$task.zip"
  (cd "$dest/glue" && unzip -qo "$task.zip" && rm "$task.zip")
done

# MRPC as GLUE's download script builds it: dev = the pairs listed in mrpc_dev_ids.tsv
echo "glue/MRPC"
m="$dest/glue/MRPC"
mkdir -p "$m"
curl -fL --retry 3 -o "$m/msr_paraphrase_train.txt" "$senteval/msr_paraphrase_train.txt"
curl -fL --retry 3 -o "$m/msr_paraphrase_test.txt" "$senteval/msr_paraphrase_test.txt"
curl -fL --retry 3 -o "$m/dev_ids.tsv" "$glue/mrpc_dev_ids.tsv"
head -n 1 "$m/msr_paraphrase_train.txt" > "$m/train.tsv"
head -n 1 "$m/msr_paraphrase_train.txt" > "$m/dev.tsv"
awk -F'\t' 'NR == FNR { dev[$1 "\t" $2] = 1; next }
            FNR == 1 { next }
            { out = (($2 "\t" $3) in dev) ? d : t; print > out }' d="$m/dev.tsv.rows" t="$m/train.tsv.rows" \
    <(tr -d '\r' < "$m/dev_ids.tsv") "$m/msr_paraphrase_train.txt"
cat "$m/train.tsv.rows" >> "$m/train.tsv" && cat "$m/dev.tsv.rows" >> "$m/dev.tsv" && rm "$m"/*.rows
{ printf 'index\t#1 ID\t#2 ID\t#1 String\t#2 String\n'
  tail -n +2 "$m/msr_paraphrase_test.txt" | awk -F'\t' -v OFS='\t' '{ $1 = NR - 1; print }'; } > "$m/test.tsv"
echo "done: $dest/bert-base-uncased and $dest/glue"
