namespace MedCam.Imaging.Resampling;

/// <summary>
/// How one axis of a destination grid maps onto the source grid:
/// <c>sourceCoordinate = Scale * destinationIndex + Offset</c>, in source voxel-index units (voxel centres at
/// integers). Resize, crop, padding and flip are all of this form, so the inverse of a preprocessing chain is too.
/// </summary>
public readonly record struct AxisMap(double Scale, double Offset)
{
    public static AxisMap Identity { get; } = new(1, 0);

    /// <summary>
    /// The mapping of <c>torch.nn.functional.interpolate(..., size=destinationSize, align_corners=False)</c>:
    /// scale = in/out, source = scale·(dst + 0.5) − 0.5 (torch then clamps negative coordinates to 0, which
    /// <see cref="LinearResampler"/> does by clamping to the border).
    /// </summary>
    public static AxisMap AlignCornersFalse(int sourceSize, int destinationSize)
    {
        var scale = (double)sourceSize / destinationSize;
        return new AxisMap(scale, 0.5 * scale - 0.5);
    }

    /// <summary><c>align_corners=True</c>: the corner voxel centres coincide.</summary>
    public static AxisMap AlignCornersTrue(int sourceSize, int destinationSize) =>
        destinationSize > 1 ? new AxisMap((sourceSize - 1.0) / (destinationSize - 1.0), 0) : new AxisMap(0, 0);

    /// <summary>The destination is the source mirrored along this axis.</summary>
    public static AxisMap Flip(int size) => new(-1, size - 1);

    /// <summary>The destination starts <paramref name="start"/> voxels into the source (a crop; negative = padding).</summary>
    public static AxisMap Shift(double start) => new(1, start);

    /// <summary>
    /// Chains two maps: <paramref name="first"/> takes destination indices to an intermediate grid, this map takes
    /// that grid to the source: <c>source = Scale · (first.Scale · i + first.Offset) + Offset</c>.
    /// </summary>
    public AxisMap After(AxisMap first) => new(Scale * first.Scale, (Scale * first.Offset) + Offset);

    public bool IsIdentity => Scale == 1 && Offset == 0;
}
