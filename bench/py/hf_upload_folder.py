"""Publishes a folder with huggingface_hub's upload_folder, for the hf-publish figure.

Usage: hf_upload_folder.py HUB_URL REPO FOLDER; the token comes from HF_TOKEN.
Prints {"oid": commit id} as JSON. Xet is off: Gatehouse takes Git LFS uploads.
"""

import json
import os
import sys

os.environ["HF_HUB_DISABLE_XET"] = "1"
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_ENDPOINT"] = sys.argv[1]

from huggingface_hub import HfApi  # noqa: E402 - the endpoint is read at import

info = HfApi().upload_folder(repo_id=sys.argv[2], folder_path=sys.argv[3], commit_message="v1")
json.dump({"oid": info.oid}, sys.stdout)
