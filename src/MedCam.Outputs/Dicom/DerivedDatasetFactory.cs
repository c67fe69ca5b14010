using System.Globalization;
using MedCam.Dicom;
using MedCam.Outputs.Sources;

namespace MedCam.Outputs.Dicom;

/// <summary>
/// The modules every MedCam derived object shares (PS3.3 A.8.1, A.8.5.4, A.75): Patient and General Study copied from
/// the source, a new General Series, General Equipment and the IHE AIR algorithm identity in Contributing Equipment,
/// the General Image derivation attributes, Common Instance Reference and SOP Common.
/// </summary>
internal sealed class DerivedDatasetFactory
{
    private static readonly DicomTag[] PatientTags = [DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate, DicomTags.PatientSex];

    private static readonly DicomTag[] StudyTags =
        [DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.ReferringPhysicianName, DicomTags.StudyID, DicomTags.AccessionNumber];

    private static readonly DicomTag[] OptionalCopiedTags =
        [DicomTags.IssuerOfPatientID, DicomTags.StudyDescription, DicomTags.PatientAge, DicomTags.PatientSize, DicomTags.PatientWeight, DicomTags.BodyPartExamined];

    public DerivedDatasetFactory(SourceImageSet source, ExplanationDescription explanation, DerivedObjectOptions options)
    {
        Source = source;
        Explanation = explanation;
        Options = options;
        Uids = new DerivedUidGenerator(source, explanation);
        Created = (options.CreatedAt ?? DateTimeOffset.UtcNow).ToUniversalTime();
    }

    public SourceImageSet Source { get; }

    public ExplanationDescription Explanation { get; }

    public DerivedObjectOptions Options { get; }

    public DerivedUidGenerator Uids { get; }

    public DateTimeOffset Created { get; }

    public string Date => Created.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public string Time => Created.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>
    /// Keeps Modality US for ultrasound so viewers (3D Slicer) treat the frames as a sequence (cine); OT otherwise
    /// (PS3.3 C.8.6.1 allows any modality for SC, OT for "other").
    /// </summary>
    public string DerivedModality => Source.Modality == "US" ? "US" : "OT";

    /// <summary>Series Description (0008,103E, LO at most 64 characters).</summary>
    public string SeriesDescription(string what)
    {
        var text = $"AI heatmap {what} {Explanation.Method} RESEARCH ONLY not for diagnosis";
        return text.Length <= 64 ? text : text[..64];
    }

    /// <summary>A data set holding the shared modules for one instance.</summary>
    public DicomDataset Create(DicomUid sopClass, string seriesUid, string sopInstanceUid, int instanceNumber,
        int seriesNumberOffset, string seriesDescription, string modality)
    {
        var header = Source.Header;
        var ds = new DicomDataset();

        // SOP Common (C.12.1)
        ds.AddOrUpdate(DicomTags.SOPClassUID, sopClass);
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, sopInstanceUid);
        ds.AddOrUpdate(DicomTags.InstanceCreationDate, Date);
        ds.AddOrUpdate(DicomTags.InstanceCreationTime, Time);
        ds.AddOrUpdate(DicomTags.TimezoneOffsetFromUTC, "+0000");

        // Patient (C.7.1.1) and General Study (C.7.2.1): copied, type 2 present even when empty.
        foreach (var tag in PatientTags.Concat(StudyTags))
        {
            Copy(header, ds, tag, required: true);
        }

        foreach (var tag in OptionalCopiedTags)
        {
            Copy(header, ds, tag, required: false);
        }

        ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, Source.StudyInstanceUid);

        // General Series (C.7.3.1): a new series in the source study.
        ds.AddOrUpdate(DicomTags.Modality, modality);
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
        ds.AddOrUpdate(DicomTags.SeriesNumber, Options.SeriesNumber + seriesNumberOffset);
        ds.AddOrUpdate(DicomTags.SeriesDate, Date);
        ds.AddOrUpdate(DicomTags.SeriesTime, Time);
        ds.AddOrUpdate(DicomTags.SeriesDescription, seriesDescription);
        AddLaterality(header, ds);

        // General Equipment (C.7.5.1) = the algorithm, per IHE AIR.
        var model = Explanation.Model;
        ds.AddOrUpdate(DicomTags.Manufacturer, model.Manufacturer);
        ds.AddOrUpdate(DicomTags.ManufacturerModelName, model.Name);
        ds.AddOrUpdate(DicomTags.SoftwareVersions, model.Version, $"{Options.SoftwareName} {Options.SoftwareVersion}");
        ds.AddOrUpdate(DicomTags.ContributingEquipmentSequence, ContributingEquipment());

        // General Image (C.7.6.1)
        ds.AddOrUpdate(DicomTags.InstanceNumber, instanceNumber);
        ds.AddOrUpdate(DicomTags.ContentDate, Date);
        ds.AddOrUpdate(DicomTags.ContentTime, Time);
        ds.AddOrUpdate(DicomTags.DerivationDescription, Explanation.DerivationDescription);
        ds.AddOrUpdate(DicomTags.LossyImageCompression, Source.IsLossy ? "01" : "00");
        if (Source.IsLossy)
        {
            Copy(header, ds, DicomTags.LossyImageCompressionRatio, required: false);
            Copy(header, ds, DicomTags.LossyImageCompressionMethod, required: false);
        }

        return ds;
    }

    /// <summary>Sets (0008,0005) ISO_IR 192 when any text (also inside sequences) is not ASCII; text MedCam writes is UTF-8.</summary>
    public static void SetCharacterSet(DicomDataset ds)
    {
        if (!IsAscii(ds))
        {
            ds.AddOrUpdate(DicomTags.SpecificCharacterSet, "ISO_IR 192");
        }
    }

    /// <summary>A Source Image Sequence / Derivation source item (PS3.3 C.7.6.1.1.4 and 10.3).</summary>
    public static DicomDataset SourceImageItem(SourceFrameReference reference, IReadOnlyList<int>? frameNumbers = null)
    {
        var item = new DicomDataset()
            .AddOrUpdate(DicomTags.ReferencedSOPClassUID, DicomVR.UI, reference.SopClassUid)
            .AddOrUpdate(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, reference.SopInstanceUid);
        var frames = frameNumbers ?? (reference.FrameNumber is { } f ? [f] : []);
        if (frames.Count > 0)
        {
            item.AddOrUpdate<int>(DicomTags.ReferencedFrameNumber, [.. frames]);
        }

        item.AddOrUpdate(DicomTags.PurposeOfReferenceCodeSequence, CodedConcept.SourceImageForProcessing.ToItem());
        return item;
    }

    /// <summary>Source Image Sequence items for frames: one item per source instance (frame numbers listed for multi-frame sources).</summary>
    public static DicomDataset[] SourceImageItems(IEnumerable<SourceFrameReference> frames) =>
        frames.GroupBy(f => f.SopInstanceUid, StringComparer.Ordinal)
            .Select(g => SourceImageItem(g.First(), g.First().FrameNumber is null ? null : g.Select(f => f.FrameNumber!.Value).ToArray()))
            .ToArray();

    /// <summary>Referenced Series Sequence (0008,1115) of the Common Instance Reference module (C.12.2).</summary>
    public DicomDataset ReferencedSeries(IEnumerable<SourceFrameReference> frames)
    {
        var instances = frames.DistinctBy(f => f.SopInstanceUid, StringComparer.Ordinal)
            .Select(f => new DicomDataset()
                .AddOrUpdate(DicomTags.ReferencedSOPClassUID, DicomVR.UI, f.SopClassUid)
                .AddOrUpdate(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, f.SopInstanceUid))
            .ToArray();
        return new DicomDataset()
            .AddOrUpdate(DicomTags.ReferencedInstanceSequence, instances)
            .AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, Source.SeriesInstanceUid);
    }

    /// <summary>Patient Orientation (0020,0020) from Image Orientation (Patient): the dominant directions of rows and columns.</summary>
    public static string[] PatientOrientation(DicomDataset header)
    {
        if (!header.TryGet<double[]>(DicomTags.ImageOrientationPatient, out var iop) || iop.Length != 6)
        {
            return [];
        }

        return [Direction(iop[0], iop[1], iop[2]), Direction(iop[3], iop[4], iop[5])];
    }

    public static void Empty(DicomDataset ds, DicomTag tag) =>
        ds.AddOrUpdate(new DicomElement(tag, DicomDictionary.Lookup(tag)!.ValueRepresentation, ReadOnlyMemory<byte>.Empty));

    /// <summary>Copies an element, re-encoding text as UTF-8 when needed (the source may use another character set).</summary>
    public static void Copy(DicomDataset from, DicomDataset to, DicomTag tag, bool required)
    {
        if (from.TryGetItem(tag, out var item) && item is DicomElement e)
        {
            to.AddOrUpdate(e.VR.IsText
                ? DicomElement.FromStrings(tag, e.VR, e.GetText())
                : DicomElement.FromBytes(tag, e.VR, e.Data.ToArray()));
        }
        else if (required)
        {
            Empty(to, tag);
        }
    }

    /// <summary>
    /// Laterality (0020,0060) is type 2C: required for paired body parts, forbidden otherwise. Copied when the source
    /// says it; absent for a known unpaired Body Part Examined; present and empty ("unknown") when the part is unknown.
    /// </summary>
    private static void AddLaterality(DicomDataset header, DicomDataset ds)
    {
        var laterality = header.GetString(DicomTags.Laterality);
        if (laterality.Length > 0)
        {
            ds.AddOrUpdate(DicomTags.Laterality, laterality);
            return;
        }

        var part = header.GetString(DicomTags.BodyPartExamined).Trim().ToUpperInvariant();
        if (part.Length == 0 || PairedBodyParts.Contains(part))
        {
            Empty(ds, DicomTags.Laterality);
        }
    }

    private static readonly HashSet<string> PairedBodyParts = new(StringComparer.Ordinal)
    {
        "BREAST", "EYE", "EAR", "KIDNEY", "ADRENAL", "OVARY", "TESTIS", "CLAVICLE", "SCAPULA", "SHOULDER", "ARM", "ELBOW",
        "FOREARM", "WRIST", "HAND", "FINGER", "HIP", "THIGH", "KNEE", "LEG", "ANKLE", "FOOT", "TOE", "EXTREMITY", "UPPER EXTREMITY", "LOWER EXTREMITY",
    };

    private DicomDataset ContributingEquipment()
    {
        var model = Explanation.Model;
        var item = new DicomDataset()
            .AddOrUpdate(DicomTags.Manufacturer, model.Manufacturer)
            .AddOrUpdate(DicomTags.ManufacturerModelName, model.Name)
            .AddOrUpdate(DicomTags.SoftwareVersions, model.Version)
            .AddOrUpdate(DicomTags.DeviceUID, DicomVR.UI, model.DeviceUid)
            .AddOrUpdate(DicomTags.ContributionDateTime, Created.ToString("yyyyMMddHHmmss.ffffff", CultureInfo.InvariantCulture) + "+0000")
            .AddOrUpdate(DicomTags.ContributionDescription, Trim(Explanation.DerivationDescription, 1024))
            .AddOrUpdate(DicomTags.PurposeOfReferenceCodeSequence, CodedConcept.ProcessingAlgorithm.ToItem());
        return item;
    }

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..max];

    private static string Direction(double x, double y, double z)
    {
        var parts = new[] { (Math.Abs(x), x < 0 ? 'R' : 'L'), (Math.Abs(y), y < 0 ? 'A' : 'P'), (Math.Abs(z), z < 0 ? 'F' : 'H') };
        return new string(parts.Where(p => p.Item1 > 1e-4).OrderByDescending(p => p.Item1).Select(p => p.Item2).ToArray());
    }

    private static bool IsAscii(DicomDataset ds)
    {
        foreach (var item in ds)
        {
            switch (item)
            {
                case DicomElement e when e.VR.IsText && !e.IsAscii:
                    return false;
                case DicomSequence s when s.Items.Any(i => !IsAscii(i)):
                    return false;
            }
        }

        return true;
    }
}
