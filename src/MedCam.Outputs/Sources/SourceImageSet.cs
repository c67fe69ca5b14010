using MedCam.Dicom;
using MedCam.Dicom.Geometry;
using MedCam.Imaging.Rendering;

namespace MedCam.Outputs.Sources;

/// <summary>
/// The source images a CAM was computed on, loaded once: the headers that derived objects copy (patient, study,
/// geometry), one <see cref="SourceFrameReference"/> per CAM frame, and the pixels of each frame for rendering. A CT
/// series is ordered exactly as <see cref="SeriesVolumeBuilder"/> orders it, so a CAM made on that volume lines up.
/// </summary>
public sealed class SourceImageSet : IDisposable
{
    private static readonly DicomReadOptions HeaderOptions = DicomReadOptions.Default with { MemoryMap = false, StopBefore = DicomTags.PixelData };

    private readonly DicomVolume? _volume;
    private readonly DicomFile? _multiFrameFile;
    private readonly DicomPixelData? _multiFramePixels;
    private readonly IReadOnlyList<string> _imagePaths;

    private SourceImageSet(SourceKind kind, IReadOnlyList<DicomDataset> headers, IReadOnlyList<SourceFrameReference> frames,
        DicomVolume? volume, DicomFile? multiFrameFile, IReadOnlyList<string> imagePaths)
    {
        Kind = kind;
        Headers = headers;
        FrameReferences = frames;
        _volume = volume;
        _multiFrameFile = multiFrameFile;
        _multiFramePixels = multiFrameFile is null ? null : DicomPixelData.Create(multiFrameFile);
        _imagePaths = imagePaths;
        var first = headers[0];
        Rows = first.Get<int>(DicomTags.Rows);
        Columns = first.Get<int>(DicomTags.Columns);
        var samples = first.GetOrDefault(DicomTags.SamplesPerPixel, 1);
        var bits = first.GetOrDefault(DicomTags.BitsAllocated, 8);
        PixelKind = samples == 3 ? SourcePixelKind.Rgb8
            : bits == 8 && Modality != "CT" ? SourcePixelKind.Gray8
            : SourcePixelKind.Modality;
        if (samples == 3 && bits != 8)
        {
            throw new DicomException($"Colour source images must have 8 bits per sample; this one has {bits}.");
        }
    }

    public SourceKind Kind { get; }

    public SourcePixelKind PixelKind { get; }

    /// <summary>Headers without pixel data (values owned, not memory-mapped), one per source instance, in frame order.</summary>
    public IReadOnlyList<DicomDataset> Headers { get; }

    /// <summary>The first instance's header: patient, study and equipment are copied from it.</summary>
    public DicomDataset Header => Headers[0];

    /// <summary>One entry per CAM frame (slice, cine frame or image).</summary>
    public IReadOnlyList<SourceFrameReference> FrameReferences { get; }

    public int FrameCount => FrameReferences.Count;

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>The (frames, rows, columns) shape a CAM on this source must have.</summary>
    public int[] Shape => [FrameCount, Rows, Columns];

    public string StudyInstanceUid => Header.GetString(DicomTags.StudyInstanceUID);

    public string SeriesInstanceUid => Header.GetString(DicomTags.SeriesInstanceUID);

    public string Modality => Header.GetString(DicomTags.Modality);

    /// <summary>The volume (HU voxels, voxel-to-LPS affine) of a CT series; null for other sources.</summary>
    public DicomVolume? Volume => _volume;

    /// <summary>True when the source pixels went through lossy compression (PS3.3 C.7.6.1.1.5).</summary>
    public bool IsLossy => Headers.Any(h => h.GetString(DicomTags.LossyImageCompression) == "01")
        || (_multiFrameFile?.TransferSyntax.IsLossy ?? false);

    /// <summary>The time between cine frames in ms: Frame Time, else the mean of Frame Time Vector, else from Cine Rate.</summary>
    public double? FrameTimeMilliseconds
    {
        get
        {
            if (Header.TryGet<double>(DicomTags.FrameTime, out var frameTime) && frameTime > 0)
            {
                return frameTime;
            }

            if (Header.TryGet<double[]>(DicomTags.FrameTimeVector, out var vector) && vector.Length > 1)
            {
                return vector.Skip(1).Average();
            }

            return Header.TryGet<double>(DicomTags.CineRate, out var rate) && rate > 0 ? 1000.0 / rate : null;
        }
    }

    /// <summary>The first stored VOI window of the source, when it has one.</summary>
    public VoiWindow? StoredWindow =>
        Header.TryGet<double>(DicomTags.WindowCenter, out var c) && Header.TryGet<double>(DicomTags.WindowWidth, out var w) && w >= 1
            ? new VoiWindow(c, w, "stored")
            : null;

    /// <summary>
    /// Loads a series folder (all DICOM files in it, one series) or a single file. Slices with Image Position and
    /// Orientation become a volume; one multi-frame file becomes a cine; anything else is a list of images.
    /// </summary>
    public static SourceImageSet Load(string path, VolumeBuildOptions? volumeOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        List<string> files;
        if (Directory.Exists(path))
        {
            files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        }
        else if (File.Exists(path))
        {
            files = [path];
        }
        else
        {
            throw new FileNotFoundException($"Source {path} is neither a DICOM file nor a folder.", path);
        }

        var headers = new List<(string Path, DicomDataset Header)>();
        foreach (var file in files)
        {
            try
            {
                using var dicom = DicomFile.Open(file, HeaderOptions);
                if (dicom.Dataset.Contains(DicomTags.SOPInstanceUID) && dicom.Dataset.Contains(DicomTags.Rows))
                {
                    headers.Add((file, dicom.Dataset));
                }
            }
            catch (DicomFormatException)
            {
                // Series folders also hold DICOMDIRs and stray files.
            }
        }

        if (headers.Count == 0)
        {
            throw new DicomException($"No DICOM image was found in {path}.");
        }

        var series = headers.Select(h => h.Header.GetString(DicomTags.SeriesInstanceUID)).Distinct(StringComparer.Ordinal).ToList();
        if (series.Count > 1)
        {
            throw new DicomException($"{path} holds {series.Count} series ({string.Join(", ", series)}); point --source at one series.");
        }

        var multiFrame = headers.Where(h => h.Header.GetOrDefault(DicomTags.NumberOfFrames, 1) > 1).ToList();
        if (multiFrame.Count > 0)
        {
            if (headers.Count > 1)
            {
                throw new DicomException($"{path} mixes a multi-frame object with other images; give the multi-frame file itself.");
            }

            return LoadMultiFrame(multiFrame[0].Path, multiFrame[0].Header);
        }

        var withGeometry = headers.All(h => h.Header.Contains(DicomTags.ImagePositionPatient) && h.Header.Contains(DicomTags.ImageOrientationPatient));
        return withGeometry ? LoadVolume(headers, volumeOptions) : LoadImages(headers);
    }

    /// <summary>
    /// The pixels of frame <paramref name="index"/> for the overlay renderer: modality values through
    /// <paramref name="window"/> (the stored window, else lung, when null), or 8-bit grey / RGB as stored.
    /// </summary>
    public SourceFrame ReadFrame(int index, VoiWindow? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FrameCount);
        if (_volume is not null)
        {
            var plane = Rows * Columns;
            return SourceFrame.Modality(_volume.Voxels.AsMemory(index * plane, plane), Columns, Rows, window ?? StoredWindow ?? VoiWindow.Lung);
        }

        if (_multiFramePixels is not null)
        {
            return ToSourceFrame(_multiFramePixels, index, window);
        }

        using var file = DicomFile.Open(_imagePaths[index]);
        return ToSourceFrame(DicomPixelData.Create(file), 0, window);
    }

    public void Dispose() => _multiFrameFile?.Dispose();

    private SourceFrame ToSourceFrame(DicomPixelData pixels, int frame, VoiWindow? window)
    {
        var d = pixels.Description;
        if (d.Rows != Rows || d.Columns != Columns)
        {
            throw new DicomException($"Source image sizes differ: {d.Rows}x{d.Columns} against {Rows}x{Columns}.");
        }

        switch (PixelKind)
        {
            case SourcePixelKind.Rgb8:
                return SourceFrame.Rgb8(pixels.GetFrame<byte>(frame), Columns, Rows);
            case SourcePixelKind.Gray8:
                var grey = pixels.GetFrame<byte>(frame);
                if (d.PhotometricInterpretation == "MONOCHROME1")
                {
                    for (var i = 0; i < grey.Length; i++)
                    {
                        grey[i] = (byte)(255 - grey[i]);
                    }
                }

                return SourceFrame.Gray8(grey, Columns, Rows);
            default:
                var values = pixels.GetFrameRescaled(frame);
                return SourceFrame.Modality(values, Columns, Rows, window ?? StoredWindow ?? FullRange(values));
        }
    }

    private static VoiWindow FullRange(float[] values)
    {
        var min = System.Numerics.Tensors.TensorPrimitives.Min(values);
        var max = System.Numerics.Tensors.TensorPrimitives.Max(values);
        return new VoiWindow((min + max) / 2.0, Math.Max(1.0, max - min), "full range");
    }

    private static SourceImageSet LoadMultiFrame(string path, DicomDataset header)
    {
        var frames = header.Get<int>(DicomTags.NumberOfFrames);
        var sopClass = header.GetString(DicomTags.SOPClassUID);
        var sop = header.GetString(DicomTags.SOPInstanceUID);
        var references = Enumerable.Range(1, frames).Select(f => new SourceFrameReference(sopClass, sop, f, null)).ToArray();
        var file = DicomFile.Open(path);
        try
        {
            return new SourceImageSet(SourceKind.MultiFrame, [header], references, null, file, [path]);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static SourceImageSet LoadVolume(List<(string Path, DicomDataset Header)> headers, VolumeBuildOptions? options)
    {
        var volume = SeriesVolumeBuilder.Build(headers.Select(h => h.Path).ToList(), options);
        var bySop = headers.GroupBy(h => h.Header.GetString(DicomTags.SOPInstanceUID), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Header, StringComparer.Ordinal);
        var ordered = volume.SopInstanceUids.Select(uid => bySop[uid]).ToArray();
        var references = ordered.Select(h => new SourceFrameReference(
            h.GetString(DicomTags.SOPClassUID), h.GetString(DicomTags.SOPInstanceUID), null, h.Get<double[]>(DicomTags.ImagePositionPatient))).ToArray();
        return new SourceImageSet(SourceKind.Volume, ordered, references, volume, null, []);
    }

    private static SourceImageSet LoadImages(List<(string Path, DicomDataset Header)> headers)
    {
        var ordered = headers.OrderBy(h => h.Header.GetOrDefault(DicomTags.InstanceNumber, 0)).ThenBy(h => h.Path, StringComparer.Ordinal).ToList();
        var references = ordered.Select(h => new SourceFrameReference(
            h.Header.GetString(DicomTags.SOPClassUID), h.Header.GetString(DicomTags.SOPInstanceUID), null, null)).ToArray();
        return new SourceImageSet(SourceKind.Images, ordered.Select(h => h.Header).ToArray(), references, null, null, ordered.Select(h => h.Path).ToArray());
    }
}
