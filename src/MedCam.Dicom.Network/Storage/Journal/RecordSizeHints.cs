using System.Collections.Concurrent;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// The size the next instance of a SOP class is expected to have, for reserving its journal record before it
/// arrives: the last one received, plus a quarter and 64 KiB for the variation of compressed images. Series are
/// sent one SOP class at a time with similar sizes, so the guess is nearly always right; a wrong guess costs
/// only the streaming (see <see cref="StreamingRecord"/>). Bounded: SOP class UIDs come from the network.
/// Also whether sending ahead pays at all: only when datasets arrive slower than the journal can write them (a
/// real network link; on loopback a whole CT slice arrives within one device write, and sending it in pieces only
/// adds device requests and thread hand-offs). Both speeds are smoothed over the last instances.
/// </summary>
internal sealed class RecordSizeHints
{
    private const double Smoothing = 0.2;
    private readonly object rates = new();
    private double arrivalBytesPerSecond;
    private double journalBytesPerSecond;

    private const int MaxClasses = 256;
    private readonly ConcurrentDictionary<string, long> last = new(StringComparer.Ordinal);

    /// <summary>Expected payload bytes, or 0 when nothing is known yet (the first instance is written whole).</summary>
    public long Expected(string sopClassUid) =>
        last.TryGetValue(sopClassUid, out var bytes) ? bytes + (bytes / 16) + (8 * 1024) : 0;

    /// <summary>True until both speeds are known, then while datasets arrive slower than the journal writes.</summary>
    public bool SendAhead
    {
        get
        {
            lock (rates)
            {
                return arrivalBytesPerSecond <= 0 || journalBytesPerSecond <= 0 || arrivalBytesPerSecond < journalBytesPerSecond;
            }
        }
    }

    /// <summary>One dataset's arrival (first to last fragment) and, when it was written in one piece, the journal's write speed.</summary>
    public void ObserveSpeeds(long payloadBytes, double arrivalSeconds, double journalWriteBytesPerSecond)
    {
        lock (rates)
        {
            if (arrivalSeconds > 0 && payloadBytes >= 2 * StreamingRecord.MinimumChunk)
            {
                arrivalBytesPerSecond = Blend(arrivalBytesPerSecond, payloadBytes / arrivalSeconds);
            }

            if (journalWriteBytesPerSecond > 0)
            {
                journalBytesPerSecond = Blend(journalBytesPerSecond, journalWriteBytesPerSecond);
            }
        }
    }

    public void Observe(string sopClassUid, long payloadBytes)
    {
        if (last.Count < MaxClasses || last.ContainsKey(sopClassUid))
        {
            last[sopClassUid] = payloadBytes;
        }
    }

    private static double Blend(double average, double sample) => average <= 0 ? sample : average + (Smoothing * (sample - average));
}
