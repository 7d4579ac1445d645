import { AwsError, LocalService } from './local-service';

/** One parameter as the local Parameter Store keeps it. */
export interface StoredParameter {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly version: number;
}

/**
 * The Parameter Store operations the handler's hand-over fence uses (awsJson1_1, X-Amz-Target
 * `AmazonSSM.<Operation>`): PutParameter, a conditional write unless `Overwrite` is true,
 * GetParameter (ParameterNotFound when there is none), and DeleteParameters, up to 10 names a call.
 */
export class SsmParameters {
  private readonly parameters = new Map<string, StoredParameter>();
  /** Fail every call of these operations with this error code (an unreachable or denied Parameter Store). */
  public failing: Record<string, string> = {};

  public has(name: string): boolean {
    return this.parameters.has(name);
  }

  /** The names of the parameters under `path`, sorted. */
  public namesUnder(path: string): string[] {
    return [...this.parameters.keys()].filter(n => n.startsWith(path)).sort();
  }

  public get(name: string): StoredParameter | undefined {
    return this.parameters.get(name);
  }

  public service(): LocalService {
    const failing = (operation: string) => {
      const code = this.failing[operation];
      if (code) throw new AwsError(code, `${operation} failed (injected)`, code === 'AccessDeniedException' ? 400 : 500);
    };
    return {
      targetPrefix: 'AmazonSSM',
      contentType: 'application/x-amz-json-1.1',
      messageMember: 'message',
      operations: {
        PutParameter: input => {
          failing('PutParameter');
          const name = String(input.Name ?? '');
          if (!/^[A-Za-z0-9_.\-/]{1,1011}$/.test(name)) throw new AwsError('ValidationException', `Parameter name ${name} is not valid`);
          if (typeof input.Value !== 'string' || input.Value.length === 0 || input.Value.length > 4_096) {
            throw new AwsError('ValidationException', 'The value must be between 1 and 4096 characters');
          }
          const existing = this.parameters.get(name);
          if (existing && input.Overwrite !== true) {
            throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
          }
          const version = (existing?.version ?? 0) + 1;
          this.parameters.set(name, { name, type: String(input.Type ?? 'String'), value: input.Value, version });
          return { Version: version, Tier: 'Standard' };
        },
        GetParameter: input => {
          failing('GetParameter');
          const parameter = this.parameters.get(String(input.Name ?? ''));
          if (!parameter) throw new AwsError('ParameterNotFound', `Parameter ${String(input.Name)} not found.`);
          return { Parameter: { Name: parameter.name, Type: parameter.type, Value: parameter.value, Version: parameter.version } };
        },
        DeleteParameters: input => {
          failing('DeleteParameters');
          const names: unknown = input.Names;
          if (!Array.isArray(names) || names.length < 1 || names.length > 10) {
            throw new AwsError('ValidationException', 'Names must hold between 1 and 10 names');
          }
          const deleted = names.filter(n => this.parameters.delete(String(n)));
          return { DeletedParameters: deleted, InvalidParameters: names.filter(n => !deleted.includes(n)) };
        },
      },
    };
  }
}
