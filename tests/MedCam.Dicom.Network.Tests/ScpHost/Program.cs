using System.Globalization;
using System.Net;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage;

// Usage: ScpHost <root> <port> <Journal|PerFileFsync|None> <checkpoint idle ms, 3600000 or more: never checkpoint>
// Prints "replayed N" and "ready" once listening; runs until killed or until stdin closes (clean stop).
var root = args[0];
var port = int.Parse(args[1], CultureInfo.InvariantCulture);
var durability = Enum.Parse<StoreDurability>(args[2]);
var checkpointMs = int.Parse(args[3], CultureInfo.InvariantCulture);
var never = checkpointMs >= 3_600_000;
var store = new DicomFileStore(new DicomFileStoreOptions
{
    Root = root,
    Durability = durability,
    MinimumFreeBytes = 0,
    JournalSegmentBytes = 8L * 1024 * 1024,
    JournalCheckpointIdle = never ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(checkpointMs),
    JournalCheckpointInterval = never ? TimeSpan.FromHours(1) : TimeSpan.FromSeconds(5),
});
await using (store)
{
    var server = new DicomServerBuilder().ListenOn(IPAddress.Loopback, port).WithAeTitle("MEDCAM").UseStore(store).Build();
    await using (server)
    {
        await server.StartAsync(CancellationToken.None);
        Console.WriteLine($"replayed {store.ReplayedInstances}");
        Console.WriteLine("ready");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
    }
}
