"""Reference answers from Hugging Face `tokenizers` for the byte-level BPE tests.

Reads {"corpus": [paths], "vocab_size": n, "special_tokens": [...], "tokenizer": path,
"samples": [texts]} on stdin. Trains a BpeTrainer with the ByteLevel alphabet on the corpus,
and loads the toolkit's tokenizer.json to encode and decode the samples; prints both as JSON.
"""
import json
import sys

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

job = json.load(sys.stdin)
texts = [open(path, encoding="utf-8").read() for path in job["corpus"]]

reference = Tokenizer(models.BPE())
reference.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
reference.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(
    vocab_size=job["vocab_size"],
    special_tokens=job["special_tokens"],
    initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    show_progress=False,
)
reference.train_from_iterator(texts, trainer)
trained = json.loads(reference.to_str())["model"]

ours = Tokenizer.from_file(job["tokenizer"])
encoded = [ours.encode(text).ids for text in job["samples"]]
print(
    json.dumps(
        {
            "vocab": trained["vocab"],
            "merges": trained["merges"],
            "encoded": encoded,
            "decoded": [ours.decode(ids, skip_special_tokens=False) for ids in encoded],
        }
    )
)
