using System.Text;

namespace MedCam.Dicom;

/// <summary>
/// Decodes text that uses ISO 2022 code extensions (PS3.5 6.1.2.5): escape sequences switch the G0 (bytes below 0x80)
/// and G1 (bytes from 0x80) sets; delimiters reset to the initial sets.
/// </summary>
internal static class Iso2022Decoder
{
    private enum Charset
    {
        Ascii,
        Latin,
        JisX0208,
        JisX0212,
        JisKatakana,
        KsX1001,
        Gb2312,
    }

    public static Encoding SingleByteEncoding(string term) => term switch
    {
        "ISO_IR 100" or "ISO 2022 IR 100" => Encoding.Latin1,
        "ISO_IR 101" or "ISO 2022 IR 101" => Encoding.GetEncoding(28592),
        "ISO_IR 109" or "ISO 2022 IR 109" => Encoding.GetEncoding(28593),
        "ISO_IR 110" or "ISO 2022 IR 110" => Encoding.GetEncoding(28594),
        "ISO_IR 144" or "ISO 2022 IR 144" => Encoding.GetEncoding(28595),
        "ISO_IR 127" or "ISO 2022 IR 127" => Encoding.GetEncoding(28596),
        "ISO_IR 126" or "ISO 2022 IR 126" => Encoding.GetEncoding(28597),
        "ISO_IR 138" or "ISO 2022 IR 138" => Encoding.GetEncoding(28598),
        "ISO_IR 148" or "ISO 2022 IR 148" => Encoding.GetEncoding(28599),
        "ISO_IR 166" or "ISO 2022 IR 166" => Encoding.GetEncoding(874),
        "ISO_IR 13" or "ISO 2022 IR 13" => Encoding.GetEncoding(932),
        "ISO_IR 192" => Encoding.UTF8,
        "GB18030" => Encoding.GetEncoding(54936),
        "GBK" => Encoding.GetEncoding(936),
        _ => Encoding.Latin1,
    };

    public static string Decode(ReadOnlySpan<byte> bytes, IReadOnlyList<string> terms, bool personName)
    {
        var first = terms.Count > 0 ? terms[0] : string.Empty;
        var (initialG0, initialG1, initialLatin) = Initial(first);
        var g0 = initialG0;
        var g1 = initialG1;
        var latin = initialLatin;
        var text = new StringBuilder(bytes.Length);
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b == 0x1B)
            {
                i = Escape(bytes, i, ref g0, ref g1, ref latin);
                continue;
            }

            var multiByteG0 = g0 is Charset.JisX0208 or Charset.JisX0212;
            if (!multiByteG0 && IsDelimiter(b, personName))
            {
                g0 = initialG0;
                g1 = initialG1;
                latin = initialLatin;
                text.Append((char)b);
                i++;
                continue;
            }

            var set = b < 0x80 ? g0 : g1;
            var end = i;
            // Inside a two-byte G0 set (JIS X 0208/0212) '^', '=' and '\\' are halves of characters, not delimiters.
            while (end < bytes.Length && bytes[end] != 0x1B && (bytes[end] < 0x80) == (b < 0x80) && (multiByteG0 || !IsDelimiter(bytes[end], personName)))
            {
                end++;
            }

            text.Append(DecodeRun(bytes[i..end], set, latin));
            i = end;
        }

        return text.ToString();
    }

    private static bool IsDelimiter(byte b, bool personName) =>
        b is (byte)'\\' or 0x0D or 0x0A or 0x09 or 0x0C || (personName && b is (byte)'^' or (byte)'=');

    private static (Charset G0, Charset G1, Encoding Latin) Initial(string first) => first switch
    {
        "ISO 2022 IR 13" or "ISO_IR 13" => (Charset.Ascii, Charset.JisKatakana, Encoding.Latin1),
        "ISO 2022 IR 149" => (Charset.Ascii, Charset.KsX1001, Encoding.Latin1),
        "ISO 2022 IR 58" => (Charset.Ascii, Charset.Gb2312, Encoding.Latin1),
        "" or "ISO 2022 IR 6" or "ISO 2022 IR 87" or "ISO 2022 IR 159" => (Charset.Ascii, Charset.Latin, Encoding.Latin1),
        _ => (Charset.Ascii, Charset.Latin, SingleByteEncoding(first)),
    };

    private static int Escape(ReadOnlySpan<byte> bytes, int i, ref Charset g0, ref Charset g1, ref Encoding latin)
    {
        var rest = bytes[(i + 1)..];
        var length = 1;
        switch (rest)
        {
            case [(byte)'(', (byte)'B', ..] or [(byte)'(', (byte)'J', ..]: g0 = Charset.Ascii; length = 3; break;
            case [(byte)'$', (byte)'B', ..] or [(byte)'$', (byte)'@', ..]: g0 = Charset.JisX0208; length = 3; break;
            case [(byte)'$', (byte)'(', (byte)'D', ..]: g0 = Charset.JisX0212; length = 4; break;
            case [(byte)')', (byte)'I', ..]: g1 = Charset.JisKatakana; length = 3; break;
            case [(byte)'$', (byte)')', (byte)'C', ..]: g1 = Charset.KsX1001; length = 4; break;
            case [(byte)'$', (byte)')', (byte)'A', ..]: g1 = Charset.Gb2312; length = 4; break;
            case [(byte)'-', var final, ..]:
                g1 = Charset.Latin;
                length = 3;
                latin = final switch
                {
                    (byte)'A' => Encoding.Latin1,
                    (byte)'B' => Encoding.GetEncoding(28592),
                    (byte)'C' => Encoding.GetEncoding(28593),
                    (byte)'D' => Encoding.GetEncoding(28594),
                    (byte)'L' => Encoding.GetEncoding(28595),
                    (byte)'G' => Encoding.GetEncoding(28596),
                    (byte)'F' => Encoding.GetEncoding(28597),
                    (byte)'H' => Encoding.GetEncoding(28598),
                    (byte)'M' => Encoding.GetEncoding(28599),
                    _ => Encoding.Latin1,
                };
                break;
        }

        return i + length;
    }

    private static string DecodeRun(ReadOnlySpan<byte> run, Charset set, Encoding latin)
    {
        switch (set)
        {
            case Charset.JisX0208:
            {
                // JIS X 0208 in G0: wrap the 7-bit pairs in ISO-2022-JP escapes and let the codepage decoder map them.
                var wrapped = new byte[run.Length + 6];
                wrapped[0] = 0x1B;
                wrapped[1] = (byte)'$';
                wrapped[2] = (byte)'B';
                run.CopyTo(wrapped.AsSpan(3));
                wrapped[^3] = 0x1B;
                wrapped[^2] = (byte)'(';
                wrapped[^1] = (byte)'B';
                return Encoding.GetEncoding(50220).GetString(wrapped);
            }

            case Charset.JisX0212:
            {
                // EUC-JP writes JIS X 0212 as 0x8F followed by the pair with the high bits set.
                var euc = new List<byte>(run.Length * 2);
                for (var k = 0; k + 1 < run.Length; k += 2)
                {
                    euc.Add(0x8F);
                    euc.Add((byte)(run[k] | 0x80));
                    euc.Add((byte)(run[k + 1] | 0x80));
                }

                return Encoding.GetEncoding(51932).GetString(euc.ToArray());
            }

            case Charset.JisKatakana:
                return Encoding.GetEncoding(932).GetString(run);
            case Charset.KsX1001:
                return Encoding.GetEncoding(51949).GetString(run);
            case Charset.Gb2312:
                return Encoding.GetEncoding(936).GetString(run);
            case Charset.Latin:
                return latin.GetString(run);
            default:
                return Encoding.ASCII.GetString(run);
        }
    }
}
