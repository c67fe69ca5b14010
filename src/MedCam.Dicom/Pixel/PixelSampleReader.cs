using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace MedCam.Dicom;

/// <summary>
/// Extracts stored sample values from native bytes (PS3.5 8.1.1): the BitsStored bits ending at HighBit are kept,
/// other bits masked off, and two's complement values sign-extended when Pixel Representation is 1.
/// </summary>
internal static class PixelSampleReader
{
    public static void ReadStored<T>(ReadOnlySpan<byte> data, PixelDataDescription d, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        var count = destination.Length;
        var shift = d.HighBit + 1 - d.BitsStored;
        var signed = d.IsSigned;
        var bits = d.BitsStored;
        switch (d.BitsAllocated)
        {
            case 8:
                Require(data, count);
                if (shift == 0 && bits == 8)
                {
                    for (var i = 0; i < count; i++)
                    {
                        destination[i] = signed ? T.CreateTruncating((sbyte)data[i]) : T.CreateTruncating(data[i]);
                    }

                    return;
                }

                for (var i = 0; i < count; i++)
                {
                    destination[i] = T.CreateTruncating(Extract(data[i], shift, bits, signed));
                }

                return;
            case 16:
                Require(data, count * 2);
                if (typeof(T) == typeof(float))
                {
                    ReadUInt16AsFloat(data, shift, bits, signed, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination));
                    return;
                }

                for (var i = 0; i < count; i++)
                {
                    destination[i] = T.CreateTruncating(Extract(BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]), shift, bits, signed));
                }

                return;
            case 32:
                Require(data, count * 4);
                for (var i = 0; i < count; i++)
                {
                    var raw = BinaryPrimitives.ReadUInt32LittleEndian(data[(i * 4)..]);
                    destination[i] = bits == 32
                        ? (signed ? T.CreateTruncating((int)raw) : T.CreateTruncating(raw))
                        : T.CreateTruncating(Extract(raw, shift, bits, signed));
                }

                return;
            case 1:
                Require(data, (count + 7) / 8);
                for (var i = 0; i < count; i++)
                {
                    destination[i] = T.CreateTruncating((data[i >> 3] >> (i & 7)) & 1); // PS3.5 D.2: first pixel in the lowest bit
                }

                return;
            default:
                throw new DicomFormatException($"Bits allocated {d.BitsAllocated} is not supported.");
        }
    }

    private static long Extract(uint raw, int shift, int bits, bool signed)
    {
        var value = (long)((raw >> shift) & (uint)((1UL << bits) - 1));
        if (signed && (value & (1L << (bits - 1))) != 0)
        {
            value -= 1L << bits;
        }

        return value;
    }

    // The hot path of CT loading: 16-bit words to float with masking and sign extension, vectorised with a scalar tail.
    private static void ReadUInt16AsFloat(ReadOnlySpan<byte> data, int shift, int bits, bool signed, Span<float> destination)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data)[..destination.Length];
        var up = 32 - bits;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(words);
            ref var target = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
            for (; i <= words.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)i));
                Convert(low, shift, up, signed).StoreUnsafe(ref target, (nuint)i);
                Convert(high, shift, up, signed).StoreUnsafe(ref target, (nuint)(i + Vector256<uint>.Count));
            }
        }

        for (; i < destination.Length; i++)
        {
            var v = (uint)(words[i] >> shift) << up;
            destination[i] = signed ? (int)v >> up : (float)(v >> up);
        }
    }

    private static Vector256<float> Convert(Vector256<uint> words, int shift, int up, bool signed)
    {
        var aligned = Vector256.ShiftLeft(Vector256.ShiftRightLogical(words, shift), up);
        return signed
            ? Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(aligned.AsInt32(), up))
            : Vector256.ConvertToSingle(Vector256.ShiftRightLogical(aligned, up).AsInt32());
    }

    private static void Require(ReadOnlySpan<byte> data, int bytes)
    {
        if (data.Length < bytes)
        {
            throw new DicomFormatException($"Pixel data holds {data.Length} bytes; {bytes} needed for the frame.");
        }
    }
}
