using System.Buffers.Binary;
using System.Text;

namespace MedCam.Pipeline.Synthetic;

/// <summary>
/// A minimal ICC v2 display profile for sRGB (ICC.1:2001-04): D50-adapted sRGB primaries, D50 white point and a
/// gamma 2.2 tone curve. Colour whole-slide images must carry an ICC profile in their optical path (PS3.3 C.8.12.5).
/// </summary>
internal static class SrgbIccProfile
{
    public static byte[] Create()
    {
        var tags = new List<(string Signature, byte[] Data)>
        {
            ("desc", Description("sRGB (MedCam synthetic)")),
            ("cprt", Text("No copyright, use freely")),
            ("wtpt", Xyz(0.9642, 1.0, 0.8249)),
            ("rXYZ", Xyz(0.4361, 0.2225, 0.0139)),
            ("gXYZ", Xyz(0.3851, 0.7169, 0.0971)),
            ("bXYZ", Xyz(0.1431, 0.0606, 0.7141)),
            ("rTRC", Gamma(2.2)),
            ("gTRC", Gamma(2.2)),
            ("bTRC", Gamma(2.2)),
        };
        var tableSize = 4 + 12 * tags.Count;
        var offset = 128 + tableSize;
        var layout = new List<(string Signature, int Offset, byte[] Data)>();
        foreach (var (signature, data) in tags)
        {
            layout.Add((signature, offset, data));
            offset += (data.Length + 3) & ~3;
        }

        var profile = new byte[offset];
        var span = profile.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)profile.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], 0x02100000); // version 2.1
        Ascii(span[12..], "mntr");
        Ascii(span[16..], "RGB ");
        Ascii(span[20..], "XYZ ");
        BinaryPrimitives.WriteUInt16BigEndian(span[24..], 2024);
        BinaryPrimitives.WriteUInt16BigEndian(span[26..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(span[28..], 1);
        Ascii(span[36..], "acsp");
        S15Fixed16(span[68..], 0.9642);
        S15Fixed16(span[72..], 1.0);
        S15Fixed16(span[76..], 0.8249);
        BinaryPrimitives.WriteUInt32BigEndian(span[128..], (uint)tags.Count);
        for (var i = 0; i < layout.Count; i++)
        {
            var entry = span[(132 + 12 * i)..];
            Ascii(entry, layout[i].Signature);
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], (uint)layout[i].Offset);
            BinaryPrimitives.WriteUInt32BigEndian(entry[8..], (uint)layout[i].Data.Length);
            layout[i].Data.CopyTo(span[layout[i].Offset..]);
        }

        return profile;
    }

    private static byte[] Xyz(double x, double y, double z)
    {
        var data = new byte[20];
        Ascii(data, "XYZ ");
        S15Fixed16(data.AsSpan(8), x);
        S15Fixed16(data.AsSpan(12), y);
        S15Fixed16(data.AsSpan(16), z);
        return data;
    }

    private static byte[] Gamma(double gamma)
    {
        var data = new byte[14];
        Ascii(data, "curv");
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(12), (ushort)Math.Round(gamma * 256)); // u8Fixed8Number
        return data;
    }

    private static byte[] Text(string text)
    {
        var data = new byte[8 + text.Length + 1];
        Ascii(data, "text");
        Encoding.ASCII.GetBytes(text).CopyTo(data, 8);
        return data;
    }

    private static byte[] Description(string text)
    {
        // textDescriptionType: ASCII count + string (with NUL), empty Unicode and ScriptCode parts.
        var data = new byte[12 + text.Length + 1 + 8 + 3 + 67];
        Ascii(data, "desc");
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(8), (uint)(text.Length + 1));
        Encoding.ASCII.GetBytes(text).CopyTo(data, 12);
        return data;
    }

    private static void Ascii(Span<byte> target, string text) => Encoding.ASCII.GetBytes(text).CopyTo(target);

    private static void S15Fixed16(Span<byte> target, double value) =>
        BinaryPrimitives.WriteInt32BigEndian(target, (int)Math.Round(value * 65536));
}
