"""Encodes texts with Hugging Face `tokenizers` from a tokenizer.json, as the reference for the toolkit's.

Reads {"tokenizer": path, "texts": [...]} on stdin and prints the ids of each text.
"""
import json
import sys

from tokenizers import Tokenizer

job = json.load(sys.stdin)
tokenizer = Tokenizer.from_file(job["tokenizer"])
print(json.dumps([tokenizer.encode(text).ids for text in job["texts"]]))
