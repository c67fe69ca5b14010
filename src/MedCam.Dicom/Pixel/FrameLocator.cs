using System.Buffers.Binary;

namespace MedCam.Dicom;

/// <summary>Maps frames to fragments of encapsulated pixel data (PS3.5 A.4).</summary>
internal static class FrameLocator
{
    public static (int First, int Count)[] Locate(DicomDataset dataset, DicomFragmentSequence pixels, int frames)
    {
        var count = pixels.Fragments.Count;
        if (count == 0)
        {
            throw new DicomFormatException("Encapsulated pixel data has no fragments.");
        }

        if (frames == 1)
        {
            return [(0, count)];
        }

        var offsets = ExtendedOffsets(dataset) ?? pixels.GetBasicOffsets().Select(o => (ulong)o).ToArray();
        if (offsets.Length == frames)
        {
            return ByOffsets(pixels, offsets);
        }

        if (count == frames)
        {
            return Enumerable.Range(0, frames).Select(i => (i, 1)).ToArray();
        }

        return ByMarkers(pixels, frames);
    }

    private static ulong[]? ExtendedOffsets(DicomDataset dataset) =>
        dataset.TryGetItem(DicomTags.ExtendedOffsetTable, out var item) && item is DicomElement e && e.Data.Length % 8 == 0
            ? Enumerable.Range(0, e.Data.Length / 8).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(e.Data.Span[(i * 8)..])).ToArray()
            : null;

    // Offsets count bytes from the first fragment's item tag, item headers (8 bytes) included.
    private static (int, int)[] ByOffsets(DicomFragmentSequence pixels, ulong[] offsets)
    {
        var starts = new ulong[pixels.Fragments.Count];
        ulong position = 0;
        for (var i = 0; i < starts.Length; i++)
        {
            starts[i] = position;
            position += 8 + (ulong)pixels.Fragments[i].Length;
        }

        var result = new (int, int)[offsets.Length];
        for (var f = 0; f < offsets.Length; f++)
        {
            var first = Array.IndexOf(starts, offsets[f]);
            var next = f + 1 < offsets.Length ? Array.IndexOf(starts, offsets[f + 1]) : starts.Length;
            if (first < 0 || next < 0 || next <= first)
            {
                throw new DicomFormatException($"The offset table entry for frame {f} ({offsets[f]}) does not point at a fragment.");
            }

            result[f] = (first, next - first);
        }

        return result;
    }

    // Without a usable table: a frame starts at each fragment that begins with a JPEG SOI (FFD8) or J2K SOC (FF4F).
    private static (int, int)[] ByMarkers(DicomFragmentSequence pixels, int frames)
    {
        var starts = new List<int>();
        for (var i = 0; i < pixels.Fragments.Count; i++)
        {
            var span = pixels.Fragments[i].Span;
            if (span.Length >= 2 && span[0] == 0xFF && (span[1] == 0xD8 || span[1] == 0x4F))
            {
                starts.Add(i);
            }
        }

        if (starts.Count != frames)
        {
            throw new DicomFormatException($"Cannot locate {frames} frames among {pixels.Fragments.Count} fragments (no offset table).");
        }

        return starts.Select((s, k) => (s, (k + 1 < starts.Count ? starts[k + 1] : pixels.Fragments.Count) - s)).ToArray();
    }
}
