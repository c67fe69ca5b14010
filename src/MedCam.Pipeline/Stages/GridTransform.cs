using MedCam.Imaging.Resampling;

namespace MedCam.Pipeline.Stages;

/// <summary>
/// How the model grid was sampled from the source grid, one <see cref="AxisMap"/> per axis (model index → source
/// index, voxel centres at integers). Preprocessing resamples the source with <see cref="ToModel"/>; a map on the
/// model grid goes back onto the source grid through the inverse affine map of every axis (<see cref="ToSource"/>),
/// so a map voxel lands on the anatomy it explains (cam-methods.md, "Space and time").
/// </summary>
public sealed record GridTransform(int[] SourceShape, int[] ModelShape, AxisMap[] ModelToSource)
{
    /// <summary><c>interpolate(size=modelShape, align_corners=False)</c> on every axis.</summary>
    public static GridTransform Resize(int[] sourceShape, int[] modelShape)
    {
        ArgumentNullException.ThrowIfNull(sourceShape);
        ArgumentNullException.ThrowIfNull(modelShape);
        if (sourceShape.Length != modelShape.Length)
        {
            throw new ArgumentException($"Source rank {sourceShape.Length} differs from model rank {modelShape.Length}.");
        }

        return new GridTransform(sourceShape, modelShape, sourceShape.Select((s, a) => AxisMap.AlignCornersFalse(s, modelShape[a])).ToArray());
    }

    /// <summary>Source values on the model grid (linear, border clamped as torch does).</summary>
    public float[] ToModel(ReadOnlySpan<float> source)
    {
        var result = new float[Count(ModelShape)];
        LinearResampler.Resample(source, SourceShape, result, ModelShape, ModelToSource, OutsideMode.Clamp);
        return result;
    }

    /// <summary>A map on the model grid resampled onto the source grid through the inverse of <see cref="ModelToSource"/>.</summary>
    public float[] ToSource(ReadOnlySpan<float> model)
    {
        var result = new float[Count(SourceShape)];
        LinearResampler.Resample(model, ModelShape, result, SourceShape, SourceToModel, OutsideMode.Clamp);
        return result;
    }

    /// <summary>Source index → model index: the inverse affine map of each axis.</summary>
    public AxisMap[] SourceToModel => ModelToSource.Select(m => new AxisMap(1 / m.Scale, -m.Offset / m.Scale)).ToArray();

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => checked(a * b));
}
