"""Runs calls of the real `huggingface_hub` client against the hub in HF_ENDPOINT.

Reads a JSON list of calls on stdin and prints a JSON list of results, one per
call, so that one Python start-up serves a whole test. A call is
{"op": ..., "repo": ..., "token": str | null | "env", ...}: a null token sends
none (token=False), "env" lets the client take HF_TOKEN from the environment.
A failed call gives {"error": class name, "errors": [class names of its MRO],
"status": HTTP status or null, "message": ...} instead of raising.
"""

import hashlib
import json
import os
import sys

import huggingface_hub
from huggingface_hub import HfApi, hf_hub_download, snapshot_download


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def token_of(call):
    token = call.get("token")
    if token is None:
        return False
    if token == "env":
        return None
    return token


def run(call):
    op = call["op"]
    token = token_of(call)
    cache_dir = call.get("cache_dir")
    if op == "hf_hub_download":
        path = hf_hub_download(
            call["repo"],
            call["filename"],
            revision=call.get("revision"),
            token=token,
            cache_dir=cache_dir,
        )
        return {"path": path, "sha256": sha256_of(path), "size": os.path.getsize(path)}
    if op == "snapshot_download":
        folder = snapshot_download(
            call["repo"],
            revision=call.get("revision"),
            token=token,
            cache_dir=cache_dir,
            local_dir=call.get("local_dir"),
        )
        files = {}
        for root, dirs, names in os.walk(folder):
            # local_dir downloads keep the client's own bookkeeping in .cache/
            dirs[:] = [d for d in dirs if d != ".cache"]
            for name in names:
                full = os.path.join(root, name)
                files[os.path.relpath(full, folder).replace(os.sep, "/")] = sha256_of(full)
        return {"folder": folder, "files": files}
    api = HfApi(token=token)
    if op == "model_info":
        info = api.model_info(call["repo"], revision=call.get("revision"), expand=call.get("expand"))
        return {
            "id": info.id,
            "sha": info.sha,
            "private": info.private,
            "downloads": info.downloads,
            "downloads_all_time": info.downloads_all_time,
            "siblings": [
                {
                    "rfilename": s.rfilename,
                    "size": s.size,
                    "lfs_sha256": s.lfs.sha256 if s.lfs is not None else None,
                }
                for s in info.siblings or []
            ],
        }
    if op == "list_models":
        models = api.list_models(
            author=call.get("author"),
            filter=call.get("filter"),
            search=call.get("search"),
            sort=call.get("sort"),
            limit=call.get("limit"),
            cardData=call.get("cardData", False),
        )
        return {
            "models": [
                {
                    "id": m.id,
                    "author": m.author,
                    "sha": m.sha,
                    "private": m.private,
                    "downloads": m.downloads,
                    "tags": m.tags,
                    "pipeline_tag": m.pipeline_tag,
                    "library_name": m.library_name,
                    "last_modified": m.last_modified.isoformat() if m.last_modified else None,
                    "card_license": m.card_data.license if m.card_data is not None else None,
                    "gatehouse": getattr(m, "gatehouse", None),
                }
                for m in models
            ]
        }
    if op == "list_repo_files":
        return {"files": api.list_repo_files(call["repo"], revision=call.get("revision"))}
    if op == "list_repo_tree":
        entries = api.list_repo_tree(
            call["repo"],
            path_in_repo=call.get("path"),
            recursive=call.get("recursive", False),
            revision=call.get("revision"),
        )
        return {
            "entries": [
                {
                    "type": "file" if isinstance(e, huggingface_hub.hf_api.RepoFile) else "directory",
                    "path": e.path,
                }
                for e in entries
            ]
        }
    if op == "get_paths_info":
        infos = api.get_paths_info(
            call["repo"], call["paths"], expand=call.get("expand", False), revision=call.get("revision")
        )
        return {
            "entries": [
                {
                    "type": "file" if isinstance(i, huggingface_hub.hf_api.RepoFile) else "directory",
                    "path": i.path,
                    "last_commit": i.last_commit.oid if i.last_commit is not None else None,
                }
                for i in infos
            ]
        }
    if op == "file_exists":
        return {"exists": api.file_exists(call["repo"], call["filename"], revision=call.get("revision"))}
    if op == "auth_check":
        api.auth_check(call["repo"])
        return {}
    if op == "list_repo_refs":
        refs = api.list_repo_refs(call["repo"])
        return {
            "branches": [[r.name, r.target_commit] for r in refs.branches],
            "tags": sorted([r.name, r.target_commit] for r in refs.tags),
        }
    if op == "list_repo_commits":
        commits = api.list_repo_commits(
            call["repo"], revision=call.get("revision"), formatted=call.get("formatted", False)
        )
        return {
            "commits": [
                {
                    "commit_id": c.commit_id,
                    "title": c.title,
                    "message": c.message,
                    "authors": c.authors,
                    "created_at": c.created_at.isoformat(),
                    "formatted_title": c.formatted_title,
                }
                for c in commits
            ]
        }
    if op == "create_repo":
        url = api.create_repo(
            call["repo"], private=call.get("private"), exist_ok=call.get("exist_ok", False)
        )
        return {"url": str(url), "repo_id": url.repo_id}
    if op == "upload_folder":
        info = api.upload_folder(
            repo_id=call["repo"],
            folder_path=call["folder"],
            commit_message=call.get("message"),
            delete_patterns=call.get("delete_patterns"),
        )
        return {"oid": info.oid, "url": info.commit_url}
    if op == "upload_file":
        info = api.upload_file(
            path_or_fileobj=call["file"],
            path_in_repo=call["path"],
            repo_id=call["repo"],
            commit_message=call.get("message"),
            revision=call.get("revision"),
            create_pr=call.get("create_pr"),
        )
        return {"oid": info.oid, "url": info.commit_url}
    if op == "delete_file":
        info = api.delete_file(call["path"], call["repo"], commit_message=call.get("message"))
        return {"oid": info.oid, "url": info.commit_url}
    if op == "list_access_requests":
        listing = {
            "pending": api.list_pending_access_requests,
            "accepted": api.list_accepted_access_requests,
            "rejected": api.list_rejected_access_requests,
        }[call["status"]]
        return {
            "requests": [
                {
                    "username": r.username,
                    "status": r.status,
                    "timestamp": r.timestamp.isoformat(),
                    "fields": r.fields,
                }
                for r in listing(call["repo"])
            ]
        }
    if op == "accept_access_request":
        api.accept_access_request(call["repo"], call["user"])
        return {}
    if op == "reject_access_request":
        api.reject_access_request(call["repo"], call["user"], rejection_reason=call.get("reason"))
        return {}
    if op == "cancel_access_request":
        api.cancel_access_request(call["repo"], call["user"])
        return {}
    if op == "grant_access":
        api.grant_access(call["repo"], call["user"])
        return {}
    if op == "whoami":
        return {"name": api.whoami()["name"]}
    raise ValueError(f"unknown op {op}")


def main():
    results = []
    for call in json.load(sys.stdin):
        try:
            results.append({"ok": run(call)})
        except Exception as err:  # noqa: BLE001 - every failure is reported to the test
            response = getattr(err, "response", None)
            results.append(
                {
                    "error": type(err).__name__,
                    "errors": [c.__name__ for c in type(err).__mro__],
                    "status": getattr(response, "status_code", None),
                    "message": str(err),
                }
            )
    json.dump({"version": huggingface_hub.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
