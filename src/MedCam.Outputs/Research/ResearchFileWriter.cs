using MedCam.Dicom;
using MedCam.Imaging.Nifti;
using MedCam.Imaging.NumPy;
using MedCam.Imaging.Png;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs.Research;

/// <summary>Research files: NIfTI-1 (.nii.gz) of CAM and source, PNG previews, the CAM as .npy.</summary>
public static class ResearchFileWriter
{
    /// <summary>
    /// cam.nii.gz (float32) and, for a volume, source.nii.gz (HU, float32) with the volume's voxel-to-LPS affine turned
    /// into NIfTI RAS (first two rows negated). Non-volume sources get a diagonal affine from Pixel Spacing and no
    /// patient geometry (xform code "unknown" is not used: scanner-anatomical is kept so viewers still open it).
    /// </summary>
    public static IReadOnlyList<string> WriteNifti(SourceImageSet source, CamMap cam, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cam);
        cam.EnsureMatches(source);
        Directory.CreateDirectory(outputDirectory);
        var affine = RasAffine(source);
        var written = new List<string>();
        var camPath = Path.Combine(outputDirectory, "cam.nii.gz");
        NiftiWriter.Write(camPath, NiftiVolume.FromSlices(cam.Values, cam.Frames, cam.Rows, cam.Columns, affine) with { Description = "MedCam CAM" });
        written.Add(camPath);
        if (source.Volume is { } volume)
        {
            var sourcePath = Path.Combine(outputDirectory, "source.nii.gz");
            NiftiWriter.Write(sourcePath, NiftiVolume.FromSlices(volume.Voxels, volume.Depth, volume.Rows, volume.Columns, affine) with { Description = "MedCam source" });
            written.Add(sourcePath);
        }

        return written;
    }

    /// <summary>The NIfTI (RAS) affine of the source grid.</summary>
    public static NiftiAffine RasAffine(SourceImageSet source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Volume is { } volume)
        {
            var a = volume.Affine;
            return NiftiAffine.FromRows([a[0, 0], a[0, 1], a[0, 2], a[0, 3]], [a[1, 0], a[1, 1], a[1, 2], a[1, 3]], [a[2, 0], a[2, 1], a[2, 2], a[2, 3]]).FlipLpsRas();
        }

        var spacing = source.Header.GetOrDefault<double[]>(DicomTags.PixelSpacing, [1.0, 1.0]);
        return NiftiAffine.FromRows([spacing.Length > 1 ? spacing[1] : 1, 0, 0, 0], [0, spacing[0], 0, 0], [0, 0, 1, 0]);
    }

    // Previews favour speed: deflate "fastest" halved the time of 64 previews of 512x512 RGB here (7 s -> 3.7 s).
    private static readonly PngEncoderOptions PreviewPng = new() { CompressionLevel = System.IO.Compression.CompressionLevel.Fastest };

    /// <summary>One PNG per frame (preview_0001.png ...), the same rendering as the Secondary Captures.</summary>
    public static IReadOnlyList<string> WritePngPreviews(OverlayFrames frames, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(frames);
        Directory.CreateDirectory(outputDirectory);
        var paths = new string[frames.Count];
        Parallel.For(0, frames.Count, k =>
        {
            paths[k] = Path.Combine(outputDirectory, $"preview_{k + 1:D4}.png");
            PngEncoder.WriteFile(paths[k], frames.Render(k), frames.Width, frames.Height, PngPixelFormat.Rgb8, PreviewPng);
        });
        return paths;
    }

    public static string WriteNpy(CamMap cam, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(cam);
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, "cam.npy");
        NpyFile.Write(path, cam.Values, cam.Shape);
        return path;
    }
}
