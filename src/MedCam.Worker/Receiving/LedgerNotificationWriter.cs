using System.Threading.Channels;
using MedCam.Dicom.Network.Storage;

namespace MedCam.Worker.Receiving;

/// <summary>
/// The file store's notification channel, written synchronously into the ledger: <see cref="DicomFileStore"/> calls
/// it after the instance is durable and before it answers success, so an acknowledged instance is always both on
/// disk and in the ledger. A ledger error makes the C-STORE fail (the sender keeps the instance and retries).
/// </summary>
internal sealed class LedgerNotificationWriter : ChannelWriter<StoredInstance>
{
    private readonly Action<StoredInstance> record;

    public LedgerNotificationWriter(Action<StoredInstance> record) => this.record = record;

    public override bool TryWrite(StoredInstance item)
    {
        record(item);
        return true;
    }

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
}
