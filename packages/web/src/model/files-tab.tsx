import { useTranslation } from "react-i18next";
import { seg } from "../api/client.js";
import type { VersionEntry } from "../api/types.js";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { useModel } from "./model-context.js";

/** Where a file of a version downloads from: the Hugging Face `resolve` URL. */
function downloadUrl(namespace: string, name: string, version: string, path: string): string {
  const filePath = path.split("/").map(seg).join("/");
  return `/${seg(namespace)}/${seg(name)}/resolve/${seg(version)}/${filePath}`;
}

/**
 * The files of the newest version the user may see, with sizes and sha256;
 * download links only for those the hub lets download (its auth-check says).
 */
export function FilesTab() {
  const { t } = useTranslation("model");
  const format = useFormat();
  const { namespace, name, apiBase, info } = useModel();
  const version = info.gatehouse.version;
  const [loaded] = useApi<VersionEntry>(
    version === undefined ? null : `/api/models/${apiBase}/versions/${seg(version)}`,
  );
  const [check] = useApi<unknown>(`/api/models/${apiBase}/auth-check`);
  if (version === undefined) {
    return <p className="muted">{t("files.none")}</p>;
  }
  if (loaded.state === "loading") {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    return <ErrorMessage error={loaded.error} />;
  }
  const mayDownload = check.state === "done";
  const files = loaded.body.files;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  return (
    <section>
      <h2>{t("files.title", { version })}</h2>
      <p className="muted">
        {t("files.summary", { count: files.length, size: format.bytes(total) })}
        {mayDownload ? null : ` ${t("files.noDownload")}`}
      </p>
      <table className="files">
        <thead>
          <tr>
            <th scope="col">{t("files.path")}</th>
            <th scope="col" className="number">
              {t("files.size")}
            </th>
            <th scope="col">{t("files.sha256")}</th>
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <tr key={file.path}>
              <td>
                {mayDownload ? (
                  <a href={downloadUrl(namespace, name, version, file.path)} download>
                    {file.path}
                  </a>
                ) : (
                  file.path
                )}
              </td>
              <td className="number">{format.bytes(file.size)}</td>
              <td>
                <code className="hash">{file.sha256}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
