/** The shapes of the hub's answers the UI reads; each names the route it comes from. */

/** GET /api/models/:namespace/:name (the Hugging Face model info, with Gatehouse's fields). */
export interface ModelInfo {
  readonly id: string;
  readonly author: string;
  readonly sha?: string;
  readonly lastModified: string;
  readonly createdAt: string;
  readonly private: boolean;
  readonly gated: false | "auto" | "manual";
  readonly downloads: number;
  readonly tags: readonly string[];
  readonly cardData?: Record<string, unknown>;
  readonly siblings?: readonly { readonly rfilename: string; readonly size?: number }[];
  readonly gatehouse: {
    readonly stage: string | null;
    readonly initialStage: string;
    readonly version?: string;
  };
}

/** One file of a version. */
export interface FileEntry {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

/** GET /api/models/:namespace/:name/versions */
export interface VersionEntry {
  readonly name: string;
  readonly state: "draft" | "published";
  readonly stage: string | null;
  readonly sha: string;
  readonly createdAt: string;
  readonly publishedAt: string | null;
  readonly card: Record<string, unknown> | null;
  readonly files: readonly FileEntry[];
}

export interface VersionList {
  readonly model: string;
  readonly versions: readonly VersionEntry[];
}

/** GET /api/models/:namespace/:name/card */
export interface CardView {
  readonly version: string;
  readonly markdown: string;
}

/** GET /api/models (one entry). */
export interface ModelListEntry {
  readonly id: string;
  readonly author: string;
  readonly downloads?: number;
  readonly lastModified: string;
  readonly tags?: readonly string[];
  readonly gated: false | "auto" | "manual";
  readonly gatehouse: {
    readonly stage: string | null;
    readonly riskTier?: string | null;
    readonly license?: string | null;
    readonly version?: string | null;
    readonly updatedAt?: string;
  };
}
