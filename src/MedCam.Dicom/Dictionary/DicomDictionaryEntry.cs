namespace MedCam.Dicom;

/// <summary>One data dictionary entry (PS3.6 Table 6-1): tag, keyword, VR(s), multiplicity and retirement.</summary>
public sealed class DicomDictionaryEntry
{
    internal DicomDictionaryEntry(uint tag, uint mask, string keyword, string vrs, string vm, bool retired)
    {
        Tag = new DicomTag(tag);
        Mask = mask;
        Keyword = keyword;
        ValueRepresentations = vrs.Split('/').Select(DicomVR.Parse).ToArray();
        ValueMultiplicity = vm;
        IsRetired = retired;
    }

    /// <summary>The tag; for repeating groups such as (60xx,3000) the lowest tag of the range.</summary>
    public DicomTag Tag { get; }

    /// <summary>Bits of a tag that must equal <see cref="Tag"/>; 0xFFFFFFFF for a plain entry.</summary>
    public uint Mask { get; }

    public string Keyword { get; }

    /// <summary>The VR used when a stream does not say (implicit VR); the first of <see cref="ValueRepresentations"/>.</summary>
    public DicomVR ValueRepresentation => ValueRepresentations[0];

    /// <summary>Allowed VRs; more than one for US/SS ("xs") and OB/OW ("ox") attributes.</summary>
    public IReadOnlyList<DicomVR> ValueRepresentations { get; }

    /// <summary>Value multiplicity as written in the dictionary: "1", "2-n", "1-3".</summary>
    public string ValueMultiplicity { get; }

    public bool IsRetired { get; }

    public override string ToString() => $"{Tag} {ValueRepresentation} {Keyword}";
}
