import { Option, type Command } from "commander";
import type { CliContext } from "../context.js";

const ROLES = ["owner", "maintainer", "reviewer", "member"] as const;

/** `gatehouse org create NAME`, `org add-member ORG USER --role R`, `org members ORG`. */
export function registerOrgCommands(program: Command, contextOf: () => Promise<CliContext>): void {
  const org = program.command("org").description("manage organisations and their members");
  org
    .command("create")
    .description("create an organisation; you become its owner")
    .argument("<name>", "organisation name")
    .action(async (name: string) => {
      const ctx = await contextOf();
      const created = await ctx.client.json<{ id: string; name: string }>("POST", "/api/orgs", {
        name,
      });
      ctx.print(`created organisation ${created.name} (${created.id})`, created);
    });
  org
    .command("add-member")
    .description("add a user to an organisation, or change their role")
    .argument("<org>", "organisation name")
    .argument("<user>", "user name")
    .addOption(
      new Option("--role <role>", "role in the organisation").choices(ROLES).makeOptionMandatory(),
    )
    .action(async (orgName: string, userName: string, options: { role: string }) => {
      const ctx = await contextOf();
      const result = await ctx.client.json<{ org: string; user: string; role: string }>(
        "PUT",
        `/api/orgs/${encodeURIComponent(orgName)}/members/${encodeURIComponent(userName)}`,
        { role: options.role },
      );
      ctx.print(`${result.user} is now ${result.role} of ${result.org}`, result);
    });
  org
    .command("members")
    .description("list the members of an organisation")
    .argument("<org>", "organisation name")
    .action(async (orgName: string) => {
      const ctx = await contextOf();
      const result = await ctx.client.json<{
        members: { user: string; role: string; signoffRoles: string[] }[];
      }>("GET", `/api/orgs/${encodeURIComponent(orgName)}/members`);
      ctx.print(
        result.members.map((m) => `${m.user}\t${m.role}\t${m.signoffRoles.join(",")}`),
        result,
      );
    });
  org
    .command("signoff-roles")
    .description(
      "give a member the sign-off roles release policies ask for (e.g. ceo, responsible-scaling-officer); none to clear",
    )
    .argument("<org>", "organisation name")
    .argument("<user>", "member's user name")
    .argument("[roles...]", "the roles, replacing those they had")
    .action(async (orgName: string, userName: string, roles: string[]) => {
      const ctx = await contextOf();
      const result = await ctx.client.json<{ org: string; user: string; roles: string[] }>(
        "PUT",
        `/api/orgs/${encodeURIComponent(orgName)}/members/${encodeURIComponent(userName)}/signoff-roles`,
        { roles },
      );
      ctx.print(
        `${result.user} signs off in ${result.org} as: ${result.roles.length === 0 ? "no role" : result.roles.join(", ")}`,
        result,
      );
    });
}
