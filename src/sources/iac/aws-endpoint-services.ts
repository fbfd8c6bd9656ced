/**
 * Whether the provider of an endpoint service the code declares admits a consumer endpoint the code declares, as the
 * endpoint's state after deploy (VpcEndpoint.State, which `cordon verify` reads in a snapshot too): `available`
 * carries traffic, `pendingAcceptance` makes the paths through it "maybe" (someone may accept it later), `failed`
 * carries nothing. Shared by the Terraform and CloudFormation mappers (docs/iac.md).
 *
 * Permissions (AllowedPrincipals, describe-vpc-endpoint-service-permissions): a consumer of another account may create
 * an endpoint only when a principal of its account (or `*`) is allowed, else CreateVpcEndpoint fails. The owner's own
 * account is not asked about (taken as admitted: the reachable side is the one that never passes silently). Before
 * deploy an account may be unknown (`iac`): then whether a listed principal is the consumer's cannot be told, and the
 * endpoint is pending, never available and never gone.
 * Acceptance (AcceptanceRequired): the connection waits until the owner accepts it (Terraform
 * `aws_vpc_endpoint_connection_accepter`, or `auto_accept` on an endpoint of the owner's account); CloudFormation has
 * no resource that accepts one.
 */
export type AdmissionState = 'available' | 'pendingAcceptance' | 'failed';

export interface Admission {
  consumerAccount: string;
  providerAccount: string;
  /** The allowed principals' ARNs (or `*`); undefined when a value is not known before deploy. */
  principals: readonly string[] | undefined;
  /**
   * The code sets the whole list (Terraform `allowed_principals`, a CloudFormation permissions resource). Otherwise
   * principals may be added outside it (another stack, the console): one not listed is not known to be refused.
   */
  principalsComplete: boolean;
  acceptanceRequired: boolean;
  /** The code accepts this endpoint's connection (an accepter resource, or auto_accept in the owner's account). */
  accepted: boolean;
  /** The account value that stands for "not known before deploy". */
  unknownAccount: string;
}

/** The account of a principal ARN (arn:aws:iam::123456789012:root / role/x / user/x), or the bare account id. */
function principalAccount(p: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(p)?.[1] ?? (/^\d{12}$/.test(p) ? p : undefined);
}

export function admissionState(a: Admission): AdmissionState {
  const sameAccount = a.consumerAccount === a.providerAccount;
  let admitted: boolean | undefined = true;
  if (!sameAccount) {
    const known = a.consumerAccount !== a.unknownAccount && a.providerAccount !== a.unknownAccount;
    if (a.principals === undefined) admitted = undefined;
    else if (a.principals.includes('*')) admitted = true;
    // One account not known: the consumer may be the owner's own account or a listed one.
    else if (!known) admitted = undefined;
    else {
      const own = a.principals.filter((p) => principalAccount(p) === a.consumerAccount);
      // The account's root admits every principal of it; a role or user admits only that one, which may not be the
      // deployer, and a principal whose account cordon cannot read (a role the code declares: its address) may be
      // the consumer's: cannot tell.
      admitted = own.some((p) => /:root$/.test(p) || /^\d{12}$/.test(p))
        ? true
        : own.length > 0 || a.principals.some((p) => principalAccount(p) === undefined)
          ? undefined
          : false;
    }
  }
  if (admitted === false && !a.principalsComplete) admitted = undefined;
  if (admitted === false) return 'failed';
  if (admitted === undefined) return 'pendingAcceptance';
  return a.acceptanceRequired && !a.accepted ? 'pendingAcceptance' : 'available';
}
