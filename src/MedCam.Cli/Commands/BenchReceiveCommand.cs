using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MedCam.Dicom;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam bench receive</c>: loopback receive throughput of 500 CT slices (512x512, 16-bit) sent by dcmtk's
/// storescu, into MedCam's storage SCP and into dcmtk's storescp in the same run, both with TCP_NODELAY and the same
/// maximum PDU. Target: MedCam in its default durable mode (write-ahead journal flushed before success) at least as
/// fast as storescp (which does not flush at all). MedCam's per-file fsync and no-flush modes are timed as well.
/// </summary>
internal static class BenchReceiveCommand
{
    private const uint MaxPdu = 131072; // storescp's largest --max-pdu; both receivers announce it.

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "CT slices to send.", DefaultValueFactory = _ => 500 };
        var size = new Option<int>("--size") { Description = "Rows and columns of each slice.", DefaultValueFactory = _ => 512 };
        var rounds = new Option<int>("--rounds") { Description = "Alternating rounds per receiver (median reported).", DefaultValueFactory = _ => 3 };
        var senders = new Option<int>("--senders")
        {
            Description = "Concurrent storescu processes, each sending its share of the slices over its own association (storescp runs with --fork when > 1).",
            DefaultValueFactory = _ => 1,
        };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Untimed rounds per receiver first (MedCam's JIT warms up as a long-running listener's has).",
            DefaultValueFactory = _ => 1,
        };
        var check = new Option<bool>("--check") { Description = "Exit with code 1 when MedCam (journal, durable) is slower than storescp." };
        var command = new Command("receive", "C-STORE receive throughput: MedCam SCP vs dcmtk storescp, both fed by storescu on loopback.");
        foreach (var option in new Option[] { count, size, rounds, senders, warmup, check })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await RunAsync(parse.GetValue(count), parse.GetValue(size), parse.GetValue(rounds), parse.GetValue(senders), parse.GetValue(warmup), parse.GetValue(check), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is InvalidOperationException or IOException or DicomException)
            {
                Console.Error.WriteLine($"medcam bench receive: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(int count, int size, int rounds, int senders, int warmup, bool check, CancellationToken cancellationToken)
    {
        if (count < 1 || size < 8 || rounds < 1 || senders < 1 || senders > count || warmup < 0)
        {
            throw new InvalidOperationException("--count, --rounds and --senders must be positive, --warmup not negative, --senders at most --count and --size at least 8.");
        }

        var storescu = Tool("storescu");
        var storescp = Tool("storescp");
        var work = Directory.CreateTempSubdirectory("medcam-bench-receive-").FullName;
        try
        {
            var source = Path.Combine(work, "source");
            Console.WriteLine($"Writing {count} CT slices {size}x{size} 16-bit into {source} ...");
            var bytes = WriteSlices(source, count, size, senders);
            var shares = Enumerable.Range(0, senders).Select(k => Path.Combine(source, $"sender-{k}")).ToArray();
            var modes = new Dictionary<string, StoreDurability>
            {
                ["MedCam (journal)"] = StoreDurability.Journal,
                ["MedCam (file fsync)"] = StoreDurability.PerFileFsync,
                ["MedCam (no flush)"] = StoreDurability.None,
            };
            var timings = new Dictionary<string, List<double>> { ["dcmtk storescp"] = [] };
            foreach (var mode in modes.Keys)
            {
                timings[mode] = [];
            }

            var written = new List<double>();
            for (var round = -warmup; round < rounds; round++)
            {
                foreach (var receiver in timings.Keys)
                {
                    var output = Path.Combine(work, $"out-{round + warmup}-{receiver.Replace(' ', '_').Replace('(', '_').Replace(')', '_')}");
                    Directory.CreateDirectory(output);
                    var (seconds, filesWritten) = receiver.StartsWith("dcmtk", StringComparison.Ordinal)
                        ? (await TimeStorescpAsync(storescp, storescu, shares, output, cancellationToken).ConfigureAwait(false), 0)
                        : await TimeMedCamAsync(storescu, shares, output, modes[receiver], cancellationToken).ConfigureAwait(false);
                    var received = Directory.EnumerateFiles(output, "*.dcm", SearchOption.AllDirectories).Count();
                    if (received != count)
                    {
                        throw new InvalidOperationException($"{receiver} stored {received} of {count} files in round {round + warmup + 1}.");
                    }

                    var label = round < 0 ? "warm-up" : $"round {round + 1}";
                    if (round >= 0)
                    {
                        timings[receiver].Add(seconds);
                        if (modes.TryGetValue(receiver, out var mode) && mode == StoreDurability.Journal)
                        {
                            written.Add(filesWritten);
                        }
                    }

                    var tail = filesWritten > 0 && modes[receiver] == StoreDurability.Journal ? string.Create(CultureInfo.InvariantCulture, $" (every final file written at {filesWritten:0.000} s)") : string.Empty;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label}: {receiver,-20} {seconds,7:0.000} s{tail}"));
                    Directory.Delete(output, recursive: true);
                }
            }

            var megabytes = bytes / 1e6;
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} instances, {megabytes:0.0} MB, {senders} storescu -> receiver on 127.0.0.1, TCP_NODELAY=1, max PDU {MaxPdu}, median of {rounds}:"));
            var medians = timings.ToDictionary(t => t.Key, t => Median(t.Value));
            foreach (var (receiver, seconds) in medians)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {receiver,-20} {seconds,7:0.000} s  {megabytes / seconds,8:0.0} MB/s  {count / seconds,8:0.0} instances/s"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fsync latency on this volume: {FsyncMilliseconds(work):0.00} ms (median of 25); per instance MedCam (journal) pays one journal fdatasync (shared by concurrent associations), MedCam (file fsync) two (file, then folder), storescp none."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  MedCam (journal) acknowledges from its journal and writes the final files once the sender pauses: all {count} at their final paths {Median(written):0.000} s after the first was sent (median)."));
            var ratio = medians["dcmtk storescp"] / medians["MedCam (journal)"];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MedCam (journal) throughput / storescp throughput = {ratio:0.00} (target >= 1.00)"));
            return check && ratio < 1.0 ? 1 : 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<double> TimeStorescpAsync(string storescp, string storescu, string[] shares, string output, CancellationToken cancellationToken)
    {
        var port = FreePort();
        string[] arguments = ["-aet", "STORESCP", "--max-pdu", MaxPdu.ToString(CultureInfo.InvariantCulture), "-od", output, "-fe", ".dcm", port.ToString(CultureInfo.InvariantCulture)];
        using var server = Start(storescp, shares.Length > 1 ? ["--fork", .. arguments] : arguments);
        try
        {
            await WaitForPortAsync(port, cancellationToken).ConfigureAwait(false);
            return await SendAsync(storescu, "STORESCP", port, shares, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Seconds until storescu had every answer, and until every final file was written.</summary>
    private static async Task<(double Acknowledged, double Written)> TimeMedCamAsync(string storescu, string[] shares, string output, StoreDurability durability, CancellationToken cancellationToken)
    {
        // The store (and its preallocated journal) is made before the clock starts, as a listener is before a study.
        var store = new DicomFileStore(new DicomFileStoreOptions { Root = output, Durability = durability, MinimumFreeBytes = 0 });
        await using (store.ConfigureAwait(false))
        {
            var server = new DicomServerBuilder()
                .ListenOn(IPAddress.Loopback, 0)
                .WithAeTitle("MEDCAM")
                .WithMaxPduLength(MaxPdu)
                .UseStore(store)
                .Build();
            await using (server.ConfigureAwait(false))
            {
                await server.StartAsync(cancellationToken).ConfigureAwait(false);
                var clock = Stopwatch.StartNew();
                var acknowledged = await SendAsync(storescu, "MEDCAM", server.LocalEndPoint.Port, shares, cancellationToken).ConfigureAwait(false);
                await store.WhenMaterialisedAsync(cancellationToken).ConfigureAwait(false);
                return (acknowledged, clock.Elapsed.TotalSeconds);
            }
        }
    }

    /// <summary>One storescu per share, all started together; the time until the last one is done.</summary>
    private static async Task<double> SendAsync(string storescu, string calledAe, int port, string[] shares, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var senders = shares
            .Select((share, k) => Start(storescu, ["-aet", $"STORESCU{k}", "-aec", calledAe, "+sd", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), share]))
            .ToList();
        try
        {
            var stderr = senders.Select(s => s.StandardError.ReadToEndAsync(cancellationToken)).ToList();
            await Task.WhenAll(senders.Select(s => s.WaitForExitAsync(cancellationToken))).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;
            for (var k = 0; k < senders.Count; k++)
            {
                if (senders[k].ExitCode != 0)
                {
                    throw new InvalidOperationException($"storescu -> {calledAe} failed ({senders[k].ExitCode}): {await stderr[k].ConfigureAwait(false)}");
                }
            }

            return seconds;
        }
        finally
        {
            foreach (var sender in senders)
            {
                sender.Dispose();
            }
        }
    }

    /// <summary>Writes CT slices with the DICOM core: explicit VR little endian, one series, dealt round-robin into one sub-folder per sender.</summary>
    private static long WriteSlices(string folder, int count, int size, int senders)
    {
        for (var k = 0; k < senders; k++)
        {
            Directory.CreateDirectory(Path.Combine(folder, $"sender-{k}"));
        }

        var study = DicomUid.Generate().Value;
        var series = DicomUid.Generate().Value;
        long total = 0;
        var pixels = new byte[size * size * 2];
        for (var i = 0; i < count; i++)
        {
            for (var p = 0; p < size * size; p++)
            {
                var value = (short)((((p % size) * 3) + ((p / size) * 5) + (i * 7)) % 2000 - 1000);
                pixels[2 * p] = (byte)value;
                pixels[(2 * p) + 1] = (byte)(value >> 8);
            }

            var dataset = new DicomDataset()
                .AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2")
                .AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, DicomUid.Generate().Value)
                .AddOrUpdate(DicomTags.Modality, DicomVR.CS, "CT")
                .AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, study)
                .AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, series)
                .AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, (i + 1).ToString(CultureInfo.InvariantCulture))
                .AddOrUpdate(DicomTags.ImagePositionPatient, DicomVR.DS, "0", "0", i.ToString(CultureInfo.InvariantCulture))
                .AddOrUpdate(DicomTags.ImageOrientationPatient, DicomVR.DS, "1", "0", "0", "0", "1", "0")
                .AddOrUpdate(DicomTags.PixelSpacing, DicomVR.DS, "0.7", "0.7")
                .AddOrUpdate(DicomTags.SliceThickness, DicomVR.DS, "1")
                .AddOrUpdate(DicomTags.SamplesPerPixel, DicomVR.US, (ushort)1)
                .AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2")
                .AddOrUpdate(DicomTags.Rows, DicomVR.US, (ushort)size)
                .AddOrUpdate(DicomTags.Columns, DicomVR.US, (ushort)size)
                .AddOrUpdate(DicomTags.BitsAllocated, DicomVR.US, (ushort)16)
                .AddOrUpdate(DicomTags.BitsStored, DicomVR.US, (ushort)16)
                .AddOrUpdate(DicomTags.HighBit, DicomVR.US, (ushort)15)
                .AddOrUpdate(DicomTags.PixelRepresentation, DicomVR.US, (ushort)1)
                .AddOrUpdate(DicomTags.RescaleIntercept, DicomVR.DS, "0")
                .AddOrUpdate(DicomTags.RescaleSlope, DicomVR.DS, "1")
                .AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OW, pixels.ToArray()));
            var path = Path.Combine(folder, $"sender-{i % senders}", $"ct{i:D4}.dcm");
            using (var file = DicomFile.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian))
            {
                file.Save(path);
            }

            total += new FileInfo(path).Length;
        }

        return total;
    }

    private static Process Start(string tool, string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Debian's dcmtk leaves Nagle's algorithm on unless told otherwise.
        info.Environment["TCP_NODELAY"] = "1";
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {tool}.");
    }

    private static string Tool(string name) =>
        new[] { "/usr/bin", "/usr/local/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed (apt-get install dcmtk); the benchmark compares against it.");

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static async Task WaitForPortAsync(int port, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"storescp did not listen on port {port}.");
    }

    /// <summary>How long one fsync of a small new file takes here: the floor under any durable receive.</summary>
    private static double FsyncMilliseconds(string folder)
    {
        var samples = new List<double>();
        var payload = new byte[4096];
        for (var i = 0; i < 25; i++)
        {
            var path = Path.Combine(folder, $"fsync-probe-{i}");
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0))
            {
                file.Write(payload);
                var clock = Stopwatch.StartNew();
                file.Flush(flushToDisk: true);
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }

            File.Delete(path);
        }

        return Median(samples);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
