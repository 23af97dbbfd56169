import { useOutletContext } from "react-router";
import type { OrgMember, OrgRole } from "./org-types.js";

/** What the organisation page hands each of its tabs. */
export interface OrgContext {
  /** The organisation's name as the address bar gave it. */
  readonly org: string;
  /** Escaped for use in an API path. */
  readonly orgSegment: string;
  readonly members: readonly OrgMember[];
  readonly reloadMembers: () => void;
  /** The signed-in user's role there; null for an administrator who is not a member. */
  readonly myRole: OrgRole | null;
  /** Owners and administrators manage members and their sign-off roles. */
  readonly managesMembers: boolean;
}

/** The organisation whose page a tab is on. */
export function useOrg(): OrgContext {
  return useOutletContext<OrgContext>();
}
