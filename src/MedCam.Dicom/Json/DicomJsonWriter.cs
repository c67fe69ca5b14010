using System.Globalization;
using System.Text.Json;

namespace MedCam.Dicom;

/// <summary>Options for DICOM JSON output.</summary>
public sealed record DicomJsonOptions
{
    public static readonly DicomJsonOptions Default = new();

    /// <summary>Binary values up to this size are written inline (base64); larger ones are left out (sidecars skip pixel data).</summary>
    public int InlineBinaryMaxBytes { get; init; } = 4096;

    public bool Indented { get; init; }
}

/// <summary>
/// The DICOM JSON Model (PS3.18 Annex F): an object keyed by 8-hex-digit tags, each with "vr" and "Value" (numbers for
/// IS/DS/binary numbers, objects for PN, nested objects for SQ) or "InlineBinary".
/// </summary>
public static class DicomJsonWriter
{
    public static string ToJson(DicomDataset dataset, DicomJsonOptions? options = null)
    {
        using var stream = new MemoryStream();
        Write(stream, dataset, options);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Stream stream, DicomDataset dataset, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= DicomJsonOptions.Default;
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = options.Indented });
        WriteDataset(writer, dataset, options);
    }

    private static void WriteDataset(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions options)
    {
        writer.WriteStartObject();
        foreach (var item in dataset)
        {
            if (item.Tag.IsGroupLength || item is DicomFragmentSequence
                || (item is DicomElement { VR.Kind: DicomVRKind.OtherBinary } big && big.Length > options.InlineBinaryMaxBytes))
            {
                continue;
            }

            writer.WritePropertyName(item.Tag.Value.ToString("X8", CultureInfo.InvariantCulture));
            writer.WriteStartObject();
            writer.WriteString("vr", item.VR.Code);
            switch (item)
            {
                case DicomSequence s:
                    if (s.Items.Count > 0)
                    {
                        writer.WriteStartArray("Value");
                        foreach (var child in s.Items)
                        {
                            WriteDataset(writer, child, options);
                        }

                        writer.WriteEndArray();
                    }

                    break;
                case DicomElement e when e.Length > 0:
                    WriteValue(writer, e);
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, DicomElement e)
    {
        if (e.VR.Kind == DicomVRKind.OtherBinary)
        {
            writer.WriteBase64String("InlineBinary", e.Data.Span);
            return;
        }

        writer.WriteStartArray("Value");
        if (e.VR == DicomVR.AT)
        {
            foreach (var tag in DicomValueReader.GetValues<DicomTag>(e))
            {
                writer.WriteStringValue(tag.Value.ToString("X8", CultureInfo.InvariantCulture));
            }
        }
        else if (e.VR.IsBinaryNumber)
        {
            foreach (var value in DicomValueReader.GetValues<double>(e))
            {
                writer.WriteNumberValue(value);
            }
        }
        else
        {
            var values = e.VR.IsMultiValued ? DicomValueReader.GetValues<string>(e) : [e.GetText()];
            foreach (var value in values)
            {
                WriteText(writer, e.VR, value);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteText(Utf8JsonWriter writer, DicomVR vr, string value)
    {
        if (value.Length == 0)
        {
            writer.WriteNullValue();
        }
        else if (vr == DicomVR.PN)
        {
            var name = DicomPersonName.Parse(value);
            writer.WriteStartObject();
            writer.WriteString("Alphabetic", name.Alphabetic);
            if (name.Ideographic.Length > 0)
            {
                writer.WriteString("Ideographic", name.Ideographic);
            }

            if (name.Phonetic.Length > 0)
            {
                writer.WriteString("Phonetic", name.Phonetic);
            }

            writer.WriteEndObject();
        }
        else if ((vr == DicomVR.IS || vr == DicomVR.DS) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (vr == DicomVR.IS && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
            {
                writer.WriteNumberValue(integer);
            }
            else
            {
                writer.WriteNumberValue(number);
            }
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
