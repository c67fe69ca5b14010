using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace MedCam.Dicom;

/// <summary>Converts raw element bytes to typed values, by VR. Every malformed value raises <see cref="DicomFormatException"/>.</summary>
public static class DicomValueReader
{
    /// <summary>Reads one value (scalar T) or all values (array T) of an item.</summary>
    public static T Read<T>(DicomItem item, int index)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item is DicomSequence sequence)
        {
            if (typeof(T) == typeof(DicomSequence))
            {
                return (T)(object)sequence;
            }

            if (typeof(T) == typeof(DicomDataset))
            {
                return index < sequence.Items.Count
                    ? (T)(object)sequence.Items[index]
                    : throw new DicomFormatException($"{item.Tag} has {sequence.Items.Count} items; item {index} was asked for.");
            }

            if (typeof(T) == typeof(DicomDataset[]))
            {
                return (T)(object)sequence.Items.ToArray();
            }

            throw new DicomFormatException($"{item.Tag} is a sequence and cannot be read as {typeof(T).Name}.");
        }

        if (item is not DicomElement element)
        {
            throw new DicomFormatException($"{item.Tag} holds encapsulated fragments; use DicomPixelData to read frames.");
        }

        if (typeof(T) == typeof(byte[]))
        {
            return (T)(object)element.Data.ToArray();
        }

        if (typeof(T).IsArray)
        {
            return (T)(object)ReadArray(element, typeof(T).GetElementType()!);
        }

        var count = element.Count;
        if (count == 0 && index == 0 && typeof(T) == typeof(string))
        {
            return (T)(object)string.Empty;
        }

        if (index < 0 || index >= count)
        {
            throw new DicomFormatException($"{element.Tag} {element.Tag.Keyword} has {count} value(s); value {index} was asked for.");
        }

        if (typeof(T) == typeof(string) && element.VR.IsText && !element.VR.IsMultiValued)
        {
            return (T)(object)element.GetText();
        }

        return (T)ConvertValue(element, index, typeof(T));
    }

    /// <summary>All values of an element as <typeparamref name="T"/>.</summary>
    public static T[] GetValues<T>(DicomElement element) => (T[])ReadArray(element, typeof(T));

    private static Array ReadArray(DicomElement element, Type type)
    {
        ArgumentNullException.ThrowIfNull(element);
        var vr = element.VR;
        // Fast path: the stored binary layout already is the requested type.
        if (!vr.IsText && NativeType(vr) == type && element.Data.Length % vr.UnitSize == 0)
        {
            return CopyNative(element.Data.Span, type);
        }

        var count = element.Count;
        var result = Array.CreateInstance(type, count);
        string[]? texts = vr.IsText ? SplitText(element) : null;
        for (var i = 0; i < count; i++)
        {
            result.SetValue(texts is not null ? ConvertText(texts[i], vr, type, element.Tag) : ConvertBinary(element, i, type), i);
        }

        return result;
    }

    private static object ConvertValue(DicomElement element, int index, Type type) =>
        element.VR.IsText ? ConvertText(SplitText(element)[index], element.VR, type, element.Tag) : ConvertBinary(element, index, type);

    private static string[] SplitText(DicomElement element)
    {
        if (element.Data.IsEmpty)
        {
            return [];
        }

        var text = element.CharacterSet.Decode(element.Data.Span, element.VR);
        if (!element.VR.IsMultiValued)
        {
            return [DicomElement.TrimPadding(text, element.VR)];
        }

        var parts = text.Split('\\');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = element.VR == DicomVR.UI ? parts[i].Trim('\0', ' ') : parts[i].Trim(' ', '\0');
        }

        return parts;
    }

    private static object ConvertText(string text, DicomVR vr, Type type, DicomTag tag)
    {
        try
        {
            if (type == typeof(string) || type == typeof(object))
            {
                return text;
            }

            if (type == typeof(DicomPersonName))
            {
                return DicomPersonName.Parse(text);
            }

            if (type == typeof(DicomUid))
            {
                return DicomUid.Parse(text);
            }

            if (type == typeof(DateOnly))
            {
                return vr == DicomVR.DT ? DateOnly.FromDateTime(DicomDateTimeParser.ParseDateTime(text)) : DicomDateTimeParser.ParseDate(text);
            }

            if (type == typeof(TimeOnly))
            {
                return DicomDateTimeParser.ParseTime(text);
            }

            if (type == typeof(DateTime))
            {
                return vr == DicomVR.DA ? DicomDateTimeParser.ParseDate(text).ToDateTime(TimeOnly.MinValue) : DicomDateTimeParser.ParseDateTime(text);
            }

            if (type == typeof(decimal))
            {
                return decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            if (type == typeof(DicomTag))
            {
                return DicomTag.Parse(text);
            }

            var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return ConvertNumber(number, type, tag);
        }
        catch (FormatException ex)
        {
            throw new DicomFormatException($"{tag} {tag.Keyword}: '{text}' cannot be read as {type.Name}.", ex);
        }
        catch (OverflowException ex)
        {
            throw new DicomFormatException($"{tag} {tag.Keyword}: '{text}' is out of range for {type.Name}.", ex);
        }
    }

    private static object ConvertBinary(DicomElement element, int index, Type type)
    {
        var vr = element.VR;
        var span = element.Data.Span.Slice(index * vr.UnitSize, vr.UnitSize);
        if (vr == DicomVR.AT)
        {
            var tag = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(span), BinaryPrimitives.ReadUInt16LittleEndian(span[2..]));
            return type == typeof(DicomTag) ? tag : type == typeof(string) ? tag.ToString() : throw new DicomFormatException($"{element.Tag} is AT; read it as DicomTag.");
        }

        double number;
        long integer;
        (number, integer) = vr.Code switch
        {
            "US" or "OW" => (BinaryPrimitives.ReadUInt16LittleEndian(span), BinaryPrimitives.ReadUInt16LittleEndian(span)),
            "SS" => (BinaryPrimitives.ReadInt16LittleEndian(span), BinaryPrimitives.ReadInt16LittleEndian(span)),
            "UL" or "OL" => (BinaryPrimitives.ReadUInt32LittleEndian(span), BinaryPrimitives.ReadUInt32LittleEndian(span)),
            "SL" => (BinaryPrimitives.ReadInt32LittleEndian(span), BinaryPrimitives.ReadInt32LittleEndian(span)),
            "SV" => (BinaryPrimitives.ReadInt64LittleEndian(span), BinaryPrimitives.ReadInt64LittleEndian(span)),
            "UV" or "OV" => (BinaryPrimitives.ReadUInt64LittleEndian(span), unchecked((long)BinaryPrimitives.ReadUInt64LittleEndian(span))),
            "FL" or "OF" => (BinaryPrimitives.ReadSingleLittleEndian(span), 0L),
            "FD" or "OD" => (BinaryPrimitives.ReadDoubleLittleEndian(span), 0L),
            _ => (span[0], span[0]),
        };

        if (type == typeof(string) || type == typeof(object))
        {
            return vr.Code is "FL" or "OF" or "FD" or "OD" ? number.ToString("R", CultureInfo.InvariantCulture) : integer.ToString(CultureInfo.InvariantCulture);
        }

        return vr.Code is "FL" or "OF" or "FD" or "OD" ? ConvertNumber(number, type, element.Tag) : ConvertInteger(integer, type, element.Tag);
    }

    private static object ConvertNumber(double number, Type type, DicomTag tag)
    {
        if (type == typeof(double))
        {
            return number;
        }

        if (type == typeof(float))
        {
            return (float)number;
        }

        if (type == typeof(decimal))
        {
            return (decimal)number;
        }

        if (double.IsNaN(number) || double.IsInfinity(number) || number != Math.Floor(number))
        {
            throw new DicomFormatException($"{tag} {tag.Keyword}: {number} is not an integer; read it as double.");
        }

        return ConvertInteger((long)number, type, tag);
    }

    private static object ConvertInteger(long value, Type type, DicomTag tag)
    {
        try
        {
            return type switch
            {
                _ when type == typeof(int) => checked((int)value),
                _ when type == typeof(long) => value,
                _ when type == typeof(uint) => checked((uint)value),
                _ when type == typeof(ushort) => checked((ushort)value),
                _ when type == typeof(short) => checked((short)value),
                _ when type == typeof(byte) => checked((byte)value),
                _ when type == typeof(ulong) => checked((ulong)value),
                _ when type == typeof(double) => (double)value,
                _ when type == typeof(float) => (float)value,
                _ when type == typeof(decimal) => (decimal)value,
                _ => throw new DicomFormatException($"{tag} {tag.Keyword}: a number cannot be read as {type.Name}."),
            };
        }
        catch (OverflowException ex)
        {
            throw new DicomFormatException($"{tag} {tag.Keyword}: {value} does not fit {type.Name}.", ex);
        }
    }

    private static Type? NativeType(DicomVR vr) => vr.Code switch
    {
        "US" or "OW" => typeof(ushort),
        "SS" => typeof(short),
        "UL" or "OL" => typeof(uint),
        "SL" => typeof(int),
        "FL" or "OF" => typeof(float),
        "FD" or "OD" => typeof(double),
        "SV" => typeof(long),
        "UV" or "OV" => typeof(ulong),
        _ => null,
    };

    private static Array CopyNative(ReadOnlySpan<byte> bytes, Type type)
    {
        if (type == typeof(ushort)) { return MemoryMarshal.Cast<byte, ushort>(bytes).ToArray(); }
        if (type == typeof(short)) { return MemoryMarshal.Cast<byte, short>(bytes).ToArray(); }
        if (type == typeof(uint)) { return MemoryMarshal.Cast<byte, uint>(bytes).ToArray(); }
        if (type == typeof(int)) { return MemoryMarshal.Cast<byte, int>(bytes).ToArray(); }
        if (type == typeof(float)) { return MemoryMarshal.Cast<byte, float>(bytes).ToArray(); }
        if (type == typeof(double)) { return MemoryMarshal.Cast<byte, double>(bytes).ToArray(); }
        if (type == typeof(long)) { return MemoryMarshal.Cast<byte, long>(bytes).ToArray(); }
        return MemoryMarshal.Cast<byte, ulong>(bytes).ToArray();
    }
}
