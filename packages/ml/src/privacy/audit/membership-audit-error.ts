/**
 * Bad input to a membership-inference audit: sets whose columns differ, a model that
 * does not fit the data, an empty set, a label the model does not know.
 */
export class MembershipAuditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MembershipAuditError";
  }
}
