using System.Diagnostics;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// One journal record written while its dataset is still arriving. Room is reserved up front for the size
/// expected (the last instance of the same SOP class, with a margin); each time at least
/// <see cref="MinimumChunk"/> of whole 4 KiB blocks has arrived, those blocks go to the journal on a pool thread
/// while receiving continues. When the dataset is complete only the last partial block and block 0 (the record
/// header, stamped with the length and checksum now known) remain to be written before the fdatasync, so the
/// answer to the sender waits for little more than the device's cache flush. A record is valid only once its
/// header is, and the header is written last: a crash mid-stream leaves nothing that replays.
/// A dataset that outgrows the reservation abandons it (the blocks written there never get a header) and is
/// written whole at the end into room reserved for its real size, which is what an unpredicted one does too, and
/// what every record does when sending ahead does not pay (the link is faster than the disk; see
/// <see cref="RecordSizeHints.SendAhead"/>).
/// </summary>
internal sealed class StreamingRecord : IAsyncDisposable
{
    /// <summary>Smallest batch of blocks sent ahead: fewer, larger writes keep pool hops and device requests down.</summary>
    public const int MinimumChunk = 128 * 1024;

    private readonly StoreJournal journal;
    private RecordBuffer? buffer;
    private JournalReservation? reservation;
    private Task? inFlight;

    // Record bytes [Block, streamed) have been sent to the journal; block 0 (the header) always goes last.
    private int streamed = JournalFormat.Block;

    private long firstAppend;
    private long lastAppend;

    /// <param name="journal">Where the record goes.</param>
    /// <param name="expectedPayload">Expected dataset size (0: unknown): sizes the buffer, and the room reserved when sending ahead.</param>
    /// <param name="sendAhead">Reserve room now and send blocks while the dataset arrives (worth it when the link is slower than the disk).</param>
    public StreamingRecord(StoreJournal journal, long expectedPayload, bool sendAhead = true)
    {
        this.journal = journal;
        buffer = new RecordBuffer(expectedPayload > 0 ? JournalFormat.RecordBytes(expectedPayload) : 1024 * 1024);
        if (expectedPayload > 0 && sendAhead)
        {
            reservation = journal.TryReserve(expectedPayload);
        }
    }

    /// <summary>Seconds between the first and the last fragment appended (how fast the link delivered the dataset).</summary>
    public double ArrivalSeconds => lastAppend > firstAppend ? Stopwatch.GetElapsedTime(firstAppend, lastAppend).TotalSeconds : 0;

    /// <summary>Bytes per second of the whole-record journal write at commit, when the record was written in one piece (else 0).</summary>
    public double WholeWriteBytesPerSecond { get; private set; }

    public RecordBuffer Buffer => buffer ?? throw new ObjectDisposedException(nameof(StreamingRecord));

    /// <summary>The committed record had blocks written ahead, while its dataset was still arriving.</summary>
    public bool SentAhead { get; private set; }

    /// <summary>The committed record's payload checksum (<see cref="Crc32C.Quarters"/>).</summary>
    public uint PayloadCrc { get; private set; }

    /// <summary>The dataset outgrew the room reserved for it, so it was written whole at the end.</summary>
    public bool Outgrew { get; private set; }

    /// <summary>Appends a fragment and sends whole blocks ahead when enough have gathered and no write is in flight.</summary>
    public async ValueTask AppendAsync(ReadOnlyMemory<byte> fragment)
    {
        lastAppend = Stopwatch.GetTimestamp();
        if (firstAppend == 0)
        {
            firstAppend = lastAppend;
        }

        Buffer.Append(fragment.Span);
        if (reservation is null)
        {
            return;
        }

        if (JournalFormat.RecordBytes(Buffer.PayloadLength) > reservation.Bytes)
        {
            Outgrew = true;
            await AbandonAsync().ConfigureAwait(false);
            return;
        }

        if (inFlight is not null)
        {
            if (!inFlight.IsCompleted)
            {
                return;
            }

            await inFlight.ConfigureAwait(false);
            inFlight = null;
        }

        var complete = Buffer.CompleteBlockBytes;
        if (complete - streamed >= MinimumChunk)
        {
            inFlight = reservation.WriteInBackground(Buffer.Record(streamed, complete - streamed), streamed);
            streamed = complete;
        }
    }

    /// <summary>
    /// Writes what is left of the record (header last), then makes it durable. Returns the committed reservation,
    /// which the caller releases once the final file is in place, or null when the journal has no room for it.
    /// </summary>
    public async ValueTask<JournalReservation?> CommitAsync(string relativePath)
    {
        var crc = PayloadCrc = Crc32C.Quarters(Buffer.PayloadMemory.Span);
        if (reservation is null)
        {
            reservation = journal.TryReserve(Buffer.PayloadLength);
            if (reservation is null)
            {
                return null;
            }

            streamed = JournalFormat.Block;
        }

        // The rest goes out while the last block batch sent ahead may still be in flight (disjoint ranges); the
        // header is valid only with the whole payload behind it, so the order on the device does not matter.
        var record = Buffer.Seal(reservation.Segment.Id, relativePath, crc);
        SentAhead = streamed > JournalFormat.Block;
        if (streamed == JournalFormat.Block)
        {
            // Nothing went ahead: the whole record in one write.
            var started = Stopwatch.GetTimestamp();
            reservation.Write(record.Span);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            WholeWriteBytesPerSecond = seconds > 0 ? record.Length / seconds : 0;
        }
        else
        {
            if (streamed < record.Length)
            {
                reservation.Write(record.Span[streamed..], streamed);
            }

            reservation.Write(record.Span[..JournalFormat.Block]);
        }

        await DrainAsync().ConfigureAwait(false);
        reservation.Commit();
        var committed = reservation;
        reservation = null;
        return committed;
    }

    /// <summary>Stops streaming (the dataset goes elsewhere, e.g. too big for the journal); releases the room.</summary>
    public async ValueTask AbandonAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        reservation?.Dispose();
        reservation = null;
        streamed = JournalFormat.Block;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DrainAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The record is abandoned anyway; the C-STORE already failed.
        }

        reservation?.Dispose();
        reservation = null;
        buffer?.Dispose();
        buffer = null;
    }

    private async ValueTask DrainAsync()
    {
        if (inFlight is { } pending)
        {
            inFlight = null;
            await pending.ConfigureAwait(false);
        }
    }
}
