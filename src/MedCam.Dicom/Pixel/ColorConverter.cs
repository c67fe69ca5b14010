using System.Numerics;

namespace MedCam.Dicom;

/// <summary>
/// Colour frames to interleaved RGB: planar configuration 1 is interleaved, YBR_FULL and YBR_FULL_422 are converted
/// with the full-range ITU-R BT.601 equations of PS3.3 C.7.6.3.1.2.
/// </summary>
internal static class ColorConverter
{
    public static T[] ToRgb<T>(DecodedFrame frame, PixelDataDescription d)
        where T : unmanaged, INumber<T>
    {
        var pixels = d.Rows * d.Columns;
        var photometric = frame.PhotometricInterpretation;
        var samples = new int[pixels * 3];
        if (photometric == "YBR_FULL_422")
        {
            Expand422(frame.Data.Span, d, samples);
            photometric = "YBR_FULL";
        }
        else
        {
            var interleaved = new int[pixels * 3];
            PixelSampleReader.ReadStored(frame.Data.Span, d with { SamplesPerPixel = 1, Rows = pixels * 3, Columns = 1 }, interleaved.AsSpan());
            if (frame.PlanarConfiguration == 1)
            {
                for (var p = 0; p < pixels; p++)
                {
                    samples[p * 3] = interleaved[p];
                    samples[(p * 3) + 1] = interleaved[pixels + p];
                    samples[(p * 3) + 2] = interleaved[(2 * pixels) + p];
                }
            }
            else
            {
                samples = interleaved;
            }
        }

        if (photometric is "YBR_FULL" or "YBR_ICT" or "YBR_RCT")
        {
            var max = (1 << d.BitsStored) - 1;
            var half = 1 << (d.BitsStored - 1);
            for (var p = 0; p < pixels; p++)
            {
                double y = samples[p * 3], cb = samples[(p * 3) + 1] - half, cr = samples[(p * 3) + 2] - half;
                samples[p * 3] = Clamp(y + (1.402 * cr), max);
                samples[(p * 3) + 1] = Clamp(y - (0.344136 * cb) - (0.714136 * cr), max);
                samples[(p * 3) + 2] = Clamp(y + (1.772 * cb), max);
            }
        }

        var result = new T[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            result[i] = T.CreateTruncating(samples[i]);
        }

        return result;
    }

    // Native YBR_FULL_422 stores Y1 Y2 Cb Cr for each pair of pixels in a row (PS3.3 C.7.6.3.1.2).
    private static void Expand422(ReadOnlySpan<byte> data, PixelDataDescription d, int[] samples)
    {
        if (d.BitsAllocated != 8)
        {
            throw new DicomFormatException("YBR_FULL_422 is only supported with 8 bits allocated.");
        }

        var columns = d.Columns;
        var rowBytes = ((columns + 1) / 2) * 4;
        if (data.Length < rowBytes * d.Rows)
        {
            throw new DicomFormatException($"YBR_FULL_422 frame holds {data.Length} bytes; {rowBytes * d.Rows} needed.");
        }

        for (var r = 0; r < d.Rows; r++)
        {
            for (var c = 0; c < columns; c += 2)
            {
                var at = (r * rowBytes) + ((c / 2) * 4);
                int y1 = data[at], y2 = data[at + 1], cb = data[at + 2], cr = data[at + 3];
                var p = (r * columns) + c;
                samples[p * 3] = y1;
                samples[(p * 3) + 1] = cb;
                samples[(p * 3) + 2] = cr;
                if (c + 1 < columns)
                {
                    samples[(p + 1) * 3] = y2;
                    samples[((p + 1) * 3) + 1] = cb;
                    samples[((p + 1) * 3) + 2] = cr;
                }
            }
        }
    }

    private static int Clamp(double value, int max) => (int)Math.Clamp(Math.Round(value), 0, max);
}
