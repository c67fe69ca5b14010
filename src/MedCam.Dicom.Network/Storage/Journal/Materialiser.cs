using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// Writes journaled instances to their final paths after the sender has had its answer. The instance is already
/// durable in the journal, so the final file (a page-cache write as long as receiving the whole dataset, on this
/// hardware) waits for a pause: until no dataset has been arriving for <see cref="Quiet"/>, or the backlog passes
/// three quarters of its limit, or the oldest file has waited <see cref="DefaultMaxDelay"/> (5 s). A burst (a study being
/// routed) is then received at the speed of the journal alone, as a database acknowledges from its write-ahead log
/// and writes its tables later. Lanes are chosen by target path, so two versions of one instance are always renamed
/// into place in the order they were received; lane threads run at a lower priority. The backlog is bounded in
/// bytes: past it the caller writes the file itself before answering, which is the back-pressure. A file that
/// cannot be written (disk full, a folder in the way) is retried, then left to the journal: its segment is not
/// retired, and the next start replays it to its final path. Nothing acknowledged is dropped.
/// </summary>
internal sealed class Materialiser : IAsyncDisposable
{
    private const int Nice = 10;
    /// <summary>How long no dataset must have been arriving before final files are written.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(20);

    /// <summary>Longest a final file waits for a pause by default (bounds how stale the folder view gets under a constant stream).</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>How often a waiting lane looks again: half the quiet time, so a burst costs it few wake-ups.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private static readonly TimeSpan[] Retries = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];
    private readonly Channel<Item>[] lanes;
    private readonly Task[] workers;
    private readonly ConcurrentDictionary<long, Task> pending = new();
    private readonly long backlogLimit;
    private readonly TimeSpan maxDelay;
    private readonly ILogger logger;
    private readonly object receiveGate = new();
    private long backlogBytes;
    private long nextId;
    private int receiving;
    private long lastReceived = Environment.TickCount64;
    private volatile bool stopping;

    public Materialiser(int laneCount, long backlogLimit, ILogger logger, TimeSpan? maxDelay = null)
    {
        this.backlogLimit = backlogLimit;
        this.maxDelay = maxDelay ?? DefaultMaxDelay;
        this.logger = logger;
        lanes = Enumerable.Range(0, laneCount).Select(_ => Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true })).ToArray();
        workers = lanes.Select((lane, k) =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    Run(lane.Reader);
                    done.TrySetResult();
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }
            })
            {
                IsBackground = true,
                Name = $"medcam-materialise-{k}",
            };
            thread.Start();
            return done.Task;
        }).ToArray();
    }

    /// <summary>Bytes acknowledged from the journal but not yet written to their final files.</summary>
    public long BacklogBytes => Interlocked.Read(ref backlogBytes);

    /// <summary>
    /// Queues the final file of a committed record (<paramref name="payloadLength"/> bytes, checksum
    /// <paramref name="payloadCrc"/>); false when the backlog is full (write it before answering instead). Nothing is
    /// held in memory: the bytes are read back from the journal when their turn comes, after the burst.
    /// </summary>
    public bool TryEnqueue(long payloadLength, uint payloadCrc, string temporary, string target, JournalReservation reservation)
    {
        var after = Interlocked.Add(ref backlogBytes, payloadLength);
        if (after > backlogLimit && after != payloadLength)
        {
            Interlocked.Add(ref backlogBytes, -payloadLength);
            return false;
        }

        var item = new Item(Interlocked.Increment(ref nextId), payloadLength, payloadCrc, temporary, target, reservation, Environment.TickCount64, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        pending[item.Id] = item.Done.Task;
        var lane = lanes[(StringComparer.Ordinal.GetHashCode(target) & int.MaxValue) % lanes.Length];
        if (!lane.Writer.TryWrite(item))
        {
            pending.TryRemove(item.Id, out _);
            Interlocked.Add(ref backlogBytes, -payloadLength);
            return false;
        }

        return true;
    }

    /// <summary>A dataset starts arriving.</summary>
    public void BeginReceive()
    {
        lock (receiveGate)
        {
            receiving++;
        }
    }

    /// <summary>The dataset is durable (or failed).</summary>
    public void EndReceive()
    {
        lock (receiveGate)
        {
            receiving--;
            lastReceived = Environment.TickCount64;
        }
    }

    /// <summary>Completes once every instance queued before the call is at its final path (or left to the journal).</summary>
    public Task WhenMaterialisedAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(pending.Values).WaitAsync(cancellationToken);

    /// <summary>Writes <paramref name="payload"/> to <paramref name="temporary"/> and renames it to <paramref name="target"/>.</summary>
    public static void WriteFinal(ReadOnlySpan<byte> payload, string temporary, string target)
    {
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 0))
        {
            file.Write(payload);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(temporary, target, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        stopping = true;
        foreach (var lane in lanes)
        {
            lane.Writer.TryComplete();
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>
    /// One lane's thread, at a lower scheduling priority: the final files are written with the cycles receiving
    /// leaves over, so they never delay an O_DIRECT journal write's completion or the next dataset's arrival.
    /// </summary>
    private void Run(ChannelReader<Item> reader)
    {
        DurableFile.LowerThreadPriority(Nice);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item))
            {
                WaitForPause(item);
                Materialise(item);
            }
        }
    }

    private void WaitForPause(Item item)
    {
        while (!stopping
            && Interlocked.Read(ref backlogBytes) < backlogLimit / 4 * 3
            && (maxDelay == Timeout.InfiniteTimeSpan || Environment.TickCount64 - item.Queued < maxDelay.TotalMilliseconds))
        {
            lock (receiveGate)
            {
                if (receiving == 0 && Environment.TickCount64 - lastReceived >= Quiet.TotalMilliseconds)
                {
                    return;
                }
            }

            Thread.Sleep(PollInterval);
        }
    }

    private void Materialise(Item item)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using (var buffer = new RecordBuffer(JournalFormat.RecordBytes(item.Length)))
                {
                    var payload = buffer.Load(item.Reservation, item.Length).Span;
                    if (Crc32C.Quarters(payload) != item.Crc)
                    {
                        throw new IOException($"Journal record at {item.Reservation.Offset} of {Path.GetFileName(item.Reservation.Segment.Path)} read back with a wrong checksum.");
                    }

                    WriteFinal(payload, item.Temporary, item.Target);
                }

                item.Reservation.Materialised(item.Target);
                item.Reservation.Dispose();
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Disk errors are retried; anything else (a bug) is not, but must not stop the lane either.
                if (attempt == Retries.Length || ex is not (IOException or UnauthorizedAccessException))
                {
                    // Keep the reservation: the segment stays live and the next start replays the instance.
                    item.Reservation.KeepForReplay();
                    logger.LogError(ex, "Could not write a journaled instance to its final path after {Attempts} attempts; it stays in the journal and is restored at the next start", Retries.Length + 1);
                    TryDelete(item.Temporary);
                    break;
                }

                Thread.Sleep(Retries[attempt]);
            }
        }

        Interlocked.Add(ref backlogBytes, -item.Length);
        pending.TryRemove(item.Id, out _);
        item.Done.TrySetResult();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A stray .part: removed at the next start.
        }
    }

    private sealed record Item(long Id, long Length, uint Crc, string Temporary, string Target, JournalReservation Reservation, long Queued, TaskCompletionSource Done);
}
