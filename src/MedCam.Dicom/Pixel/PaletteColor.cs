using System.Numerics;

namespace MedCam.Dicom;

/// <summary>PALETTE COLOR to RGB through the red/green/blue lookup tables (PS3.3 C.7.6.3.1.5, C.7.9).</summary>
internal static class PaletteColor
{
    public static T[] Apply<T>(DicomDataset dataset, int[] indices)
        where T : unmanaged, INumber<T>
    {
        var red = Lut(dataset, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData);
        var green = Lut(dataset, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData);
        var blue = Lut(dataset, DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData);
        var result = new T[indices.Length * 3];
        for (var i = 0; i < indices.Length; i++)
        {
            result[i * 3] = T.CreateTruncating(red.Map(indices[i]));
            result[(i * 3) + 1] = T.CreateTruncating(green.Map(indices[i]));
            result[(i * 3) + 2] = T.CreateTruncating(blue.Map(indices[i]));
        }

        return result;
    }

    private static Table Lut(DicomDataset dataset, DicomTag descriptorTag, DicomTag dataTag)
    {
        var descriptor = dataset.Get<int[]>(descriptorTag);
        if (descriptor.Length != 3)
        {
            throw new DicomFormatException($"{descriptorTag} must hold 3 values.");
        }

        var entries = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
        var first = descriptor[1];
        var bits = descriptor[2];
        var raw = dataset.GetElement(dataTag).Data.Span;
        var values = new int[entries];
        if (bits == 8 && raw.Length == entries)
        {
            for (var i = 0; i < entries; i++)
            {
                values[i] = raw[i];
            }
        }
        else
        {
            if (raw.Length < entries * 2)
            {
                throw new DicomFormatException($"{dataTag} holds {raw.Length} bytes for {entries} entries.");
            }

            for (var i = 0; i < entries; i++)
            {
                values[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]);
            }
        }

        return new Table(values, first);
    }

    private sealed record Table(int[] Values, int First)
    {
        public int Map(int index) => Values[Math.Clamp(index - First, 0, Values.Length - 1)];
    }
}
