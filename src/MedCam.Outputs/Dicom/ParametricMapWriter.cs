using MedCam.Dicom;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs.Dicom;

/// <summary>
/// Writes the CAM of a CT volume as a Parametric Map (PS3.3 A.75): float32 values in Float Pixel Data, on the
/// source's Frame of Reference with per-frame Plane Position, shared Plane Orientation and Pixel Measures, an identity
/// Pixel Value Transformation and a Real World Value Mapping, each frame deriving from its source slice, so the map
/// overlays the CT in 3D Slicer / OHIF. The attribute set follows highdicom's pm.ParametricMap, with per-frame
/// Derivation Image references added.
/// </summary>
public static class ParametricMapWriter
{
    private const double UInt16Max = 65535;

    private static readonly string[] ImageType = ["DERIVED", "PRIMARY", "VOLUME", "NONE"];

    /// <param name="source">A CT/MR volume.</param>
    /// <param name="cam">The CAM on the volume grid.</param>
    /// <param name="explanation">Model, method and target.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="options">Shared derived-object choices.</param>
    /// <param name="encoding">
    /// Float32 (the default) keeps the CAM exactly; UInt16 stores 0..65535 with the Real World Value Mapping giving the
    /// CAM back (±range/131070), for PACS and viewers that cannot decode Float Pixel Data (Orthanc 1.10).
    /// </param>
    public static WrittenInstance Write(SourceImageSet source, CamMap cam, ExplanationDescription explanation, string path, DerivedObjectOptions? options = null,
        ParametricMapEncoding encoding = ParametricMapEncoding.Float32)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cam);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        explanation.Validate();
        cam.EnsureMatches(source);
        if (source.Kind != SourceKind.Volume || source.Volume is null)
        {
            throw new ArgumentException($"A Parametric Map needs a CT/MR volume with Image Position/Orientation (Patient); this source is {source.Kind} ({source.Modality}).");
        }

        var header = source.Header;
        if (!header.Contains(DicomTags.FrameOfReferenceUID))
        {
            throw new ArgumentException("The source series has no Frame of Reference UID (0020,0052); a Parametric Map cannot be placed on it.");
        }

        options ??= DerivedObjectOptions.Default;
        var factory = new DerivedDatasetFactory(source, explanation, options);
        const DerivedObjectKind kind = DerivedObjectKind.ParametricMap;
        var encodingKey = encoding == ParametricMapEncoding.Float32 ? null : encoding.ToString();
        var seriesUid = factory.Uids.Series(kind, encodingKey);
        var sop = factory.Uids.Instance(kind, encodingKey, 0);
        var sopClass = DicomUids.ParametricMapStorage;
        var ds = factory.Create(sopClass, seriesUid, sop, 1, 2, factory.SeriesDescription("map"), "OT");
        ds.Remove(DicomTags.DerivationDescription); // not in the Parametric Map IOD; Content Description carries it

        // Frame of Reference (C.7.4.1), copied so the map shares the CT's patient coordinates.
        DerivedDatasetFactory.Copy(header, ds, DicomTags.FrameOfReferenceUID, required: true);
        DerivedDatasetFactory.Copy(header, ds, DicomTags.PositionReferenceIndicator, required: true);

        // Enhanced General Equipment (C.7.5.2): all type 1.
        ds.AddOrUpdate(DicomTags.DeviceSerialNumber, explanation.Model.DeviceSerialNumber);

        // Parametric Map Image (C.8.32.2) and Image Pixel for float data (no Bits Stored / High Bit / Pixel Representation).
        ds.AddOrUpdate(DicomTags.ImageType, ImageType);
        ds.AddOrUpdate(DicomTags.ContentLabel, "HEATMAP");
        ds.AddOrUpdate(DicomTags.ContentDescription, Truncate($"{explanation.Method} {explanation.TargetClass} research only", 64));
        DerivedDatasetFactory.Empty(ds, DicomTags.ContentCreatorName);
        ds.AddOrUpdate(DicomTags.ContentQualification, "RESEARCH");
        ds.AddOrUpdate(DicomTags.BurnedInAnnotation, "NO");
        ds.AddOrUpdate(DicomTags.RecognizableVisualFeatures, "NO");
        ds.AddOrUpdate(DicomTags.PresentationLUTShape, "IDENTITY");
        ds.AddOrUpdate(DicomTags.PixelPresentation, "MONOCHROME");
        ds.AddOrUpdate<int>(DicomTags.SamplesPerPixel, 1);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.AddOrUpdate<int>(DicomTags.Rows, cam.Rows);
        ds.AddOrUpdate<int>(DicomTags.Columns, cam.Columns);
        var (low, high) = (cam.Minimum, cam.Maximum > cam.Minimum ? cam.Maximum : cam.Minimum + 1);
        if (encoding == ParametricMapEncoding.Float32)
        {
            ds.AddOrUpdate<int>(DicomTags.BitsAllocated, 32);
        }
        else
        {
            ds.AddOrUpdate<int>(DicomTags.BitsAllocated, 16);
            ds.AddOrUpdate<int>(DicomTags.BitsStored, 16);
            ds.AddOrUpdate<int>(DicomTags.HighBit, 15);
            ds.AddOrUpdate<int>(DicomTags.PixelRepresentation, 0);
        }

        ds.AddOrUpdate<int>(DicomTags.NumberOfFrames, cam.Frames);

        // Multi-frame Dimension (C.7.6.17): frames indexed by Image Position (Patient), already in slice order.
        var organization = factory.Uids.DimensionOrganization();
        ds.AddOrUpdate(DicomTags.DimensionOrganizationSequence, new DicomDataset().AddOrUpdate(DicomTags.DimensionOrganizationUID, DicomVR.UI, organization));
        ds.AddOrUpdate(DicomTags.DimensionOrganizationType, "3D");
        var dimension = new DicomDataset()
            .AddOrUpdate(DicomTags.DimensionOrganizationUID, DicomVR.UI, organization)
            .AddOrUpdate(DicomElement.FromTags(DicomTags.DimensionIndexPointer, DicomTags.ImagePositionPatient))
            .AddOrUpdate(DicomElement.FromTags(DicomTags.FunctionalGroupPointer, DicomTags.PlanePositionSequence))
            .AddOrUpdate(DicomTags.DimensionDescriptionLabel, "Image Position (Patient)");
        ds.AddOrUpdate(DicomTags.DimensionIndexSequence, dimension);

        ds.AddOrUpdate(new DicomSequence(DicomTags.AcquisitionContextSequence, Array.Empty<DicomDataset>()));
        ds.AddOrUpdate(DicomTags.ReferencedSeriesSequence, factory.ReferencedSeries(source.FrameReferences));
        ds.AddOrUpdate(DicomTags.SharedFunctionalGroupsSequence, SharedGroups(header, source, explanation, encoding, low, high));
        ds.AddOrUpdate(DicomTags.PerFrameFunctionalGroupsSequence, source.FrameReferences.Select(PerFrameGroup).ToArray());
        ds.AddOrUpdate(encoding == ParametricMapEncoding.Float32
            ? DicomElement.FromArray<float>(DicomTags.FloatPixelData, DicomVR.OF, cam.Values)
            : DicomElement.FromArray<ushort>(DicomTags.PixelData, DicomVR.OW, Quantise(cam.Values, low, high)));
        DerivedDatasetFactory.SetCharacterSet(ds);

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        DicomFile.Create(ds).Save(path);
        return new WrittenInstance(path, kind, source.StudyInstanceUid, seriesUid, sop, sopClass.Value, cam.Rows, cam.Columns, cam.Frames);
    }

    private static ushort[] Quantise(float[] values, double low, double high)
    {
        var result = new ushort[values.Length];
        var scale = UInt16Max / (high - low);
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = (ushort)Math.Clamp(Math.Round((values[i] - low) * scale), 0, UInt16Max);
        }

        return result;
    }

    private static DicomDataset SharedGroups(DicomDataset header, SourceImageSet source, ExplanationDescription explanation, ParametricMapEncoding encoding,
        double low, double high)
    {
        var isFloat = encoding == ParametricMapEncoding.Float32;
        var spacing = source.Volume!.Spacing;
        var measures = new DicomDataset();
        DerivedDatasetFactory.Copy(header, measures, DicomTags.PixelSpacing, required: true);
        measures.AddOrUpdate(DicomTags.SliceThickness, header.GetOrDefault(DicomTags.SliceThickness, spacing[2]));
        measures.AddOrUpdate(DicomTags.SpacingBetweenSlices, spacing[2]);

        var orientation = new DicomDataset();
        DerivedDatasetFactory.Copy(header, orientation, DicomTags.ImageOrientationPatient, required: true);

        // Identity modality LUT: stored float values are the CAM values.
        var transformation = new DicomDataset()
            .AddOrUpdate(DicomTags.RescaleIntercept, 0)
            .AddOrUpdate(DicomTags.RescaleSlope, 1)
            .AddOrUpdate(DicomTags.RescaleType, "US");

        var voi = isFloat
            ? new DicomDataset()
                .AddOrUpdate(DicomTags.WindowCenter, (low + high) / 2.0)
                .AddOrUpdate(DicomTags.WindowWidth, Math.Max(high - low, 1e-6))
                .AddOrUpdate(DicomTags.VOILUTFunction, "LINEAR_EXACT") // CAM ranges are often narrower than 1 (C.11.2.1.3.2)
            : new DicomDataset()
                .AddOrUpdate(DicomTags.WindowCenter, UInt16Max / 2)
                .AddOrUpdate(DicomTags.WindowWidth, UInt16Max)
                .AddOrUpdate(DicomTags.VOILUTFunction, "LINEAR_EXACT");

        var frameType = new DicomDataset().AddOrUpdate(DicomTags.FrameType, ImageType);

        // Real World Value Mapping (C.7.6.16.2.11): float: value = stored x 1 + 0; UInt16: value = stored x range/65535 + min.
        var mapping = new DicomDataset()
            .AddOrUpdate(DicomTags.LUTExplanation, Truncate($"{explanation.Method} class activation ({explanation.TargetClass})", 64))
            .AddOrUpdate(DicomTags.MeasurementUnitsCodeSequence, CodedConcept.NoUnits.ToItem())
            .AddOrUpdate(DicomTags.LUTLabel, "CAM");
        if (isFloat)
        {
            mapping.AddOrUpdate<double>(DicomTags.DoubleFloatRealWorldValueLastValueMapped, high)
                .AddOrUpdate<double>(DicomTags.DoubleFloatRealWorldValueFirstValueMapped, low)
                .AddOrUpdate(DicomTags.RealWorldValueIntercept, 0.0)
                .AddOrUpdate(DicomTags.RealWorldValueSlope, 1.0);
        }
        else
        {
            mapping.AddOrUpdate<int>(DicomTags.RealWorldValueLastValueMapped, DicomVR.US, 65535)
                .AddOrUpdate<int>(DicomTags.RealWorldValueFirstValueMapped, DicomVR.US, 0)
                .AddOrUpdate(DicomTags.RealWorldValueIntercept, low)
                .AddOrUpdate(DicomTags.RealWorldValueSlope, (high - low) / UInt16Max);
        }

        return new DicomDataset()
            .AddOrUpdate(DicomTags.PixelMeasuresSequence, measures)
            .AddOrUpdate(DicomTags.PlaneOrientationSequence, orientation)
            .AddOrUpdate(DicomTags.PixelValueTransformationSequence, transformation)
            .AddOrUpdate(DicomTags.FrameVOILUTSequence, voi)
            .AddOrUpdate(DicomTags.ParametricMapFrameTypeSequence, frameType)
            .AddOrUpdate(DicomTags.RealWorldValueMappingSequence, mapping);
    }

    private static DicomDataset PerFrameGroup(SourceFrameReference reference, int k)
    {
        var derivation = new DicomDataset()
            .AddOrUpdate(DicomTags.SourceImageSequence, DerivedDatasetFactory.SourceImageItem(reference))
            .AddOrUpdate(DicomTags.DerivationCodeSequence, CodedConcept.ClassActivationMap.ToItem());
        var content = new DicomDataset().AddOrUpdate<int>(DicomTags.DimensionIndexValues, k + 1);
        var position = new DicomDataset().AddOrUpdate<double>(DicomTags.ImagePositionPatient, reference.ImagePosition!);
        return new DicomDataset()
            .AddOrUpdate(DicomTags.DerivationImageSequence, derivation)
            .AddOrUpdate(DicomTags.FrameContentSequence, content)
            .AddOrUpdate(DicomTags.PlanePositionSequence, position);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>How Parametric Map values are stored.</summary>
public enum ParametricMapEncoding
{
    /// <summary>Float Pixel Data (7FE0,0008), 32-bit IEEE: the CAM as computed.</summary>
    Float32,

    /// <summary>Pixel Data 16-bit unsigned with a scaling Real World Value Mapping.</summary>
    UInt16,
}
