import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, seg } from "../api/client.js";
import { ErrorMessage } from "../components/feedback.js";
import { useAction } from "../components/use-action.js";
import { useOrg } from "./org-context.js";
import {
  MAX_SIGNOFF_ROLES,
  ORG_ROLES,
  SIGNOFF_ROLE,
  parseSignoffRoles,
  type OrgMember,
  type OrgRole,
} from "./org-types.js";

/** Why typed sign-off roles would be refused, as a key of `org:signoff.*`; null when they are fine. */
function signoffProblem(roles: readonly string[]): { key: string; role?: string } | null {
  if (roles.length > MAX_SIGNOFF_ROLES) {
    return { key: "signoff.tooMany" };
  }
  const bad = roles.find((r) => !SIGNOFF_ROLE.test(r));
  return bad === undefined ? null : { key: "signoff.invalid", role: bad };
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join(",") === [...b].sort().join(",");
}

/** The roles a member has, as badges. */
function SignoffBadges({ roles }: { readonly roles: readonly string[] }) {
  const { t } = useTranslation("org");
  if (roles.length === 0) {
    return <span className="muted">{t("signoff.none")}</span>;
  }
  return (
    <span className="badges">
      {roles.map((role) => (
        <span key={role} className="badge">
          {role}
        </span>
      ))}
    </span>
  );
}

/** One member's row for an owner: role, sign-off roles, save and remove. */
function EditableMember({
  member,
  onChanged,
  onStatus,
}: {
  readonly member: OrgMember;
  readonly onChanged: () => void;
  readonly onStatus: (message: string) => void;
}) {
  const { t } = useTranslation("org");
  const { orgSegment } = useOrg();
  const [role, setRole] = useState<OrgRole>(member.role);
  const [signoff, setSignoff] = useState(member.signoffRoles.join(", "));
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const roles = parseSignoffRoles(signoff);
  const problem = signoffProblem(roles);
  const changed = role !== member.role || !sameRoles(roles, member.signoffRoles);
  const base = `/api/orgs/${orgSegment}/members/${seg(member.user)}`;
  const id = `member-${member.user}`;
  const save = async () => {
    if (problem !== null) {
      return;
    }
    const ok = await action.run(async () => {
      if (role !== member.role) {
        await api(base, { method: "PUT", body: { role } });
      }
      if (!sameRoles(roles, member.signoffRoles)) {
        await api(`${base}/signoff-roles`, { method: "PUT", body: { roles } });
      }
    });
    if (ok) {
      onStatus(t("members.saved", { user: member.user }));
      onChanged();
    }
  };
  const remove = async () => {
    const ok = await action.run(() => api(base, { method: "DELETE" }));
    setConfirming(false);
    if (ok) {
      onStatus(t("members.removed", { user: member.user }));
      onChanged();
    }
  };
  return (
    <tr>
      <th scope="row">{member.user}</th>
      <td>
        <label className="visually-hidden" htmlFor={`${id}-role`}>
          {t("members.roleOf", { user: member.user })}
        </label>
        <select
          id={`${id}-role`}
          value={role}
          onChange={(event) => {
            setRole(event.target.value as OrgRole);
          }}
        >
          {ORG_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <label className="visually-hidden" htmlFor={`${id}-signoff`}>
          {t("members.signoffOf", { user: member.user })}
        </label>
        <input
          id={`${id}-signoff`}
          value={signoff}
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? `${id}-problem` : "signoff-hint"}
          onChange={(event) => {
            setSignoff(event.target.value);
          }}
        />
        {problem !== null ? (
          <p className="field-error" id={`${id}-problem`}>
            {t(problem.key, { role: problem.role, max: MAX_SIGNOFF_ROLES })}
          </p>
        ) : null}
        {action.error !== null ? <ErrorMessage error={action.error} /> : null}
      </td>
      <td>
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={action.busy || !changed || problem !== null}
            onClick={() => {
              void save();
            }}
          >
            {t("members.save")}
            <span className="visually-hidden"> {member.user}</span>
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="danger"
                disabled={action.busy}
                onClick={() => {
                  void remove();
                }}
              >
                {t("members.confirmRemove", { user: member.user })}
              </button>
              <button
                type="button"
                onClick={() => {
                  setConfirming(false);
                }}
              >
                {t("members.cancel")}
              </button>
            </>
          ) : (
            <button
              type="button"
              onClick={() => {
                setConfirming(true);
              }}
            >
              {t("members.remove")}
              <span className="visually-hidden"> {member.user}</span>
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/** Adds a user with a role (and sign-off roles): the hub's PUT of a member. */
function AddMember({
  onAdded,
  onStatus,
}: {
  readonly onAdded: () => void;
  readonly onStatus: (message: string) => void;
}) {
  const { t } = useTranslation("org");
  const { orgSegment, members } = useOrg();
  const [user, setUser] = useState("");
  const [role, setRole] = useState<OrgRole>("member");
  const [signoff, setSignoff] = useState("");
  const [tried, setTried] = useState(false);
  const action = useAction();
  const name = user.trim();
  const roles = parseSignoffRoles(signoff);
  const problem = signoffProblem(roles);
  const already = members.some((m) => m.user.toLowerCase() === name.toLowerCase());
  const userProblem = name === "" ? "add.userMissing" : already ? "add.already" : null;
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setTried(true);
    if (userProblem !== null || problem !== null) {
      return;
    }
    const base = `/api/orgs/${orgSegment}/members/${seg(name)}`;
    const ok = await action.run(async () => {
      await api(base, { method: "PUT", body: { role } });
      if (roles.length > 0) {
        await api(`${base}/signoff-roles`, { method: "PUT", body: { roles } });
      }
    });
    if (ok) {
      onStatus(t("add.added", { user: name, role: t(`roles.${role}`) }));
      setUser("");
      setSignoff("");
      setRole("member");
      setTried(false);
      onAdded();
    }
  };
  return (
    <form className="org-form" onSubmit={(event) => void submit(event)} noValidate>
      <h3>{t("add.title")}</h3>
      <div className="form-row">
        <div className="field">
          <label htmlFor="add-user">{t("add.user")}</label>
          <input
            id="add-user"
            value={user}
            autoComplete="off"
            aria-invalid={tried && userProblem !== null}
            aria-describedby={tried && userProblem !== null ? "add-user-problem" : undefined}
            onChange={(event) => {
              setUser(event.target.value);
            }}
          />
          {tried && userProblem !== null ? (
            <p className="field-error" id="add-user-problem">
              {t(userProblem, { user: name })}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="add-role">{t("add.role")}</label>
          <select
            id="add-role"
            value={role}
            onChange={(event) => {
              setRole(event.target.value as OrgRole);
            }}
          >
            {ORG_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="add-signoff">{t("add.signoff")}</label>
          <input
            id="add-signoff"
            value={signoff}
            placeholder={t("signoff.placeholder")}
            aria-invalid={problem !== null}
            aria-describedby={problem !== null ? "add-signoff-problem" : "signoff-hint"}
            onChange={(event) => {
              setSignoff(event.target.value);
            }}
          />
          {problem !== null ? (
            <p className="field-error" id="add-signoff-problem">
              {t(problem.key, { role: problem.role, max: MAX_SIGNOFF_ROLES })}
            </p>
          ) : null}
        </div>
        <button type="submit" className="primary" disabled={action.busy}>
          {t("add.submit")}
        </button>
      </div>
      {action.error !== null ? <ErrorMessage error={action.error} /> : null}
    </form>
  );
}

/** The members of the organisation with their roles; owners change them here. */
export function MembersTab() {
  const { t } = useTranslation("org");
  const { members, managesMembers, reloadMembers } = useOrg();
  const [status, setStatus] = useState("");
  return (
    <section>
      <h2>{t("members.title")}</h2>
      <p className="muted" id="signoff-hint">
        {t("signoff.hint")}
      </p>
      <p role="status" className="status-line">
        {status}
      </p>
      <table className="members">
        <thead>
          <tr>
            <th scope="col">{t("members.user")}</th>
            <th scope="col">{t("members.role")}</th>
            <th scope="col">{t("members.signoff")}</th>
            {managesMembers ? <th scope="col">{t("members.actions")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((member) =>
            managesMembers ? (
              <EditableMember
                // A new key after each change starts the row from what the hub now holds.
                key={`${member.user}:${member.role}:${member.signoffRoles.join(",")}`}
                member={member}
                onChanged={reloadMembers}
                onStatus={setStatus}
              />
            ) : (
              <tr key={member.user}>
                <th scope="row">{member.user}</th>
                <td>{t(`roles.${member.role}`)}</td>
                <td>
                  <SignoffBadges roles={member.signoffRoles} />
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {managesMembers ? (
        <AddMember onAdded={reloadMembers} onStatus={setStatus} />
      ) : (
        <p className="notice">{t("members.ownersOnly")}</p>
      )}
    </section>
  );
}
