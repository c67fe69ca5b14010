using System.Text;

namespace MedCam.Dicom;

/// <summary>
/// Decides the character set of a data set being written. Text read from a file is kept byte for byte when it agrees
/// with the (0008,0005) in effect; as soon as any non-ASCII text disagrees (text MedCam created, mixed sources) the
/// whole data set is re-encoded as UTF-8 and (0008,0005) becomes ISO_IR 192.
/// </summary>
public static class DicomTextNormalizer
{
    public static DicomDataset PrepareForWrite(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (IsConsistent(dataset, dataset.CharacterSet))
        {
            return dataset;
        }

        var utf8 = ToUtf8(dataset);
        utf8.AddOrUpdate(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        return utf8;
    }

    private static bool IsConsistent(DicomDataset dataset, DicomCharacterSet inEffect)
    {
        foreach (var item in dataset)
        {
            switch (item)
            {
                case DicomElement e when e.VR.IsText && DicomCharacterSet.AppliesTo(e.VR) && !e.IsAscii && !e.CharacterSet.Equals(inEffect):
                    return false;
                case DicomSequence s:
                    foreach (var child in s.Items)
                    {
                        var childSet = child.Contains(DicomTags.SpecificCharacterSet) ? child.CharacterSet : inEffect;
                        if (!IsConsistent(child, childSet))
                        {
                            return false;
                        }
                    }

                    break;
            }
        }

        return true;
    }

    private static DicomDataset ToUtf8(DicomDataset dataset)
    {
        var copy = new DicomDataset();
        foreach (var item in dataset)
        {
            switch (item)
            {
                case DicomElement e when e.Tag == DicomTags.SpecificCharacterSet:
                    break;
                case DicomElement e when e.VR.IsText && DicomCharacterSet.AppliesTo(e.VR) && !e.IsAscii && !e.CharacterSet.Equals(DicomCharacterSet.Utf8):
                    var bytes = Encoding.UTF8.GetBytes(e.CharacterSet.Decode(e.Data.Span, e.VR).TrimEnd(' '));
                    if (bytes.Length % 2 != 0)
                    {
                        Array.Resize(ref bytes, bytes.Length + 1);
                        bytes[^1] = (byte)' ';
                    }

                    copy.AddOrUpdate(new DicomElement(e.Tag, e.VR, bytes, DicomCharacterSet.Utf8));
                    break;
                case DicomSequence s:
                    copy.AddOrUpdate(new DicomSequence(s.Tag, s.Items.Select(ToUtf8)));
                    break;
                default:
                    copy.AddOrUpdate(item);
                    break;
            }
        }

        return copy;
    }
}
