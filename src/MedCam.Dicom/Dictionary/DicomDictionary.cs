using System.Collections.Frozen;

namespace MedCam.Dicom;

/// <summary>
/// The standard data dictionary, generated from dcmtk's <c>dicom.dic</c> by <c>tools/MedCam.DictionaryGen</c>
/// into <c>Generated/DicomDictionaryData.g.cs</c>.
/// </summary>
public static class DicomDictionary
{
    private static readonly DicomDictionaryEntry[] All = DicomDictionaryData.CreateEntries();
    private static readonly FrozenDictionary<uint, DicomDictionaryEntry> ByTag =
        All.Where(e => e.Mask == uint.MaxValue).ToFrozenDictionary(e => e.Tag.Value);
    private static readonly DicomDictionaryEntry[] Repeating = All.Where(e => e.Mask != uint.MaxValue).ToArray();
    private static readonly FrozenDictionary<string, DicomDictionaryEntry> ByKeyword =
        All.ToFrozenDictionary(e => e.Keyword, StringComparer.Ordinal);

    private static readonly DicomDictionaryEntry PrivateCreator = new(0x00090010, 0, "PrivateCreator", "LO", "1", false);
    private static readonly DicomDictionaryEntry GroupLength = new(0x00000000, 0, "GroupLength", "UL", "1", false);

    /// <summary>Number of entries (standard attributes, including retired ones and repeating groups).</summary>
    public static int Count => All.Length;

    public static IReadOnlyList<DicomDictionaryEntry> Entries => All;

    /// <summary>The entry for a tag, or null for unknown and private data elements.</summary>
    public static DicomDictionaryEntry? Lookup(DicomTag tag)
    {
        if (ByTag.TryGetValue(tag.Value, out var entry))
        {
            return entry;
        }

        if (tag.IsGroupLength)
        {
            return GroupLength;
        }

        if (tag.IsPrivateCreator)
        {
            return PrivateCreator;
        }

        foreach (var range in Repeating)
        {
            if ((tag.Value & range.Mask) == range.Tag.Value)
            {
                return range;
            }
        }

        return null;
    }

    public static DicomDictionaryEntry? LookupKeyword(string keyword) => ByKeyword.GetValueOrDefault(keyword);

    /// <summary>The VR to assume for a tag read in implicit VR: the dictionary's, else UN.</summary>
    public static DicomVR ImplicitVR(DicomTag tag) => Lookup(tag)?.ValueRepresentation ?? DicomVR.UN;
}
