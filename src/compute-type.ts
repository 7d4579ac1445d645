import { Token } from 'aws-cdk-lib';
import { COMPUTE_TYPE_NAME } from './contract/rules';

/**
 * The compute type of a WorkSpaces bundle: the values of the WorkSpaces API's `Compute` enum.
 *
 * @example
 * new WorkspaceBundle(this, 'Bundle', {
 *   imageId: 'wsi-abc123def',
 *   computeType: ComputeType.STANDARD,
 *   name: 'golden-standard',
 * });
 */
export class ComputeType {
  /** The `VALUE` compute type. */
  public static readonly VALUE = new ComputeType('VALUE');

  /** The `STANDARD` compute type. */
  public static readonly STANDARD = new ComputeType('STANDARD');

  /** The `PERFORMANCE` compute type. */
  public static readonly PERFORMANCE = new ComputeType('PERFORMANCE');

  /** The `POWER` compute type. */
  public static readonly POWER = new ComputeType('POWER');

  /** The `GRAPHICS` compute type. */
  public static readonly GRAPHICS = new ComputeType('GRAPHICS');

  /** The `POWERPRO` compute type. */
  public static readonly POWERPRO = new ComputeType('POWERPRO');

  /** The `GENERALPURPOSE_4XLARGE` compute type. */
  public static readonly GENERALPURPOSE_4XLARGE = new ComputeType('GENERALPURPOSE_4XLARGE');

  /** The `GENERALPURPOSE_8XLARGE` compute type. */
  public static readonly GENERALPURPOSE_8XLARGE = new ComputeType('GENERALPURPOSE_8XLARGE');

  /** The `GRAPHICSPRO` compute type. */
  public static readonly GRAPHICSPRO = new ComputeType('GRAPHICSPRO');

  /** The `GRAPHICS_G4DN` compute type. */
  public static readonly GRAPHICS_G4DN = new ComputeType('GRAPHICS_G4DN');

  /** The `GRAPHICSPRO_G4DN` compute type. */
  public static readonly GRAPHICSPRO_G4DN = new ComputeType('GRAPHICSPRO_G4DN');

  /** The `GRAPHICS_G6_XLARGE` compute type. */
  public static readonly GRAPHICS_G6_XLARGE = new ComputeType('GRAPHICS_G6_XLARGE');

  /** The `GRAPHICS_G6_2XLARGE` compute type. */
  public static readonly GRAPHICS_G6_2XLARGE = new ComputeType('GRAPHICS_G6_2XLARGE');

  /** The `GRAPHICS_G6_4XLARGE` compute type. */
  public static readonly GRAPHICS_G6_4XLARGE = new ComputeType('GRAPHICS_G6_4XLARGE');

  /** The `GRAPHICS_G6_8XLARGE` compute type. */
  public static readonly GRAPHICS_G6_8XLARGE = new ComputeType('GRAPHICS_G6_8XLARGE');

  /** The `GRAPHICS_G6_16XLARGE` compute type. */
  public static readonly GRAPHICS_G6_16XLARGE = new ComputeType('GRAPHICS_G6_16XLARGE');

  /** The `GRAPHICS_GR6_4XLARGE` compute type. */
  public static readonly GRAPHICS_GR6_4XLARGE = new ComputeType('GRAPHICS_GR6_4XLARGE');

  /** The `GRAPHICS_GR6_8XLARGE` compute type. */
  public static readonly GRAPHICS_GR6_8XLARGE = new ComputeType('GRAPHICS_GR6_8XLARGE');

  /** The `GRAPHICS_G6F_LARGE` compute type. */
  public static readonly GRAPHICS_G6F_LARGE = new ComputeType('GRAPHICS_G6F_LARGE');

  /** The `GRAPHICS_G6F_XLARGE` compute type. */
  public static readonly GRAPHICS_G6F_XLARGE = new ComputeType('GRAPHICS_G6F_XLARGE');

  /** The `GRAPHICS_G6F_2XLARGE` compute type. */
  public static readonly GRAPHICS_G6F_2XLARGE = new ComputeType('GRAPHICS_G6F_2XLARGE');

  /** The `GRAPHICS_G6F_4XLARGE` compute type. */
  public static readonly GRAPHICS_G6F_4XLARGE = new ComputeType('GRAPHICS_G6F_4XLARGE');

  /** The `GRAPHICS_GR6F_4XLARGE` compute type. */
  public static readonly GRAPHICS_GR6F_4XLARGE = new ComputeType('GRAPHICS_GR6F_4XLARGE');

  /**
   * A compute type by its API name, for one that WorkSpaces added after this release (the
   * constants above are the WorkSpaces model's). WorkSpaces checks it when the bundle is created.
   *
   * @param name the compute type's name in the WorkSpaces API, such as `GRAPHICS_G6_XLARGE`
   */
  public static of(name: string): ComputeType {
    if (typeof name !== 'string' || (!Token.isUnresolved(name) && !COMPUTE_TYPE_NAME.pattern.test(name))) {
      throw new Error(`ComputeType.of(${JSON.stringify(name)}): a compute type's API name is upper-case letters, digits and underscores, such as GRAPHICS_G6_XLARGE`);
    }
    return new ComputeType(name);
  }

  /**
   * @param name the compute type's name in the WorkSpaces API
   */
  private constructor(public readonly name: string) {}
}
