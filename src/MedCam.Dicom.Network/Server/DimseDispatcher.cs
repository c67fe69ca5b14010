using MedCam.Dicom.Network.Dimse;
using Microsoft.Extensions.Logging;

namespace MedCam.Dicom.Network.Server;

/// <summary>Routes each incoming DIMSE request to its role provider and answers it with the right status.</summary>
internal sealed class DimseDispatcher
{
    private readonly DimseChannel channel;
    private readonly DicomAssociationInfo association;
    private readonly DicomServerOptions options;
    private readonly DicomServiceProviders providers;
    private readonly ILogger logger;

    public DimseDispatcher(DimseChannel channel, DicomAssociationInfo association, DicomServerOptions options, DicomServiceProviders providers, ILogger logger)
    {
        this.channel = channel;
        this.association = association;
        this.options = options;
        this.providers = providers;
        this.logger = logger;
    }

    public async ValueTask DispatchAsync(IncomingCommand incoming, CancellationToken cancellationToken)
    {
        var (context, command) = incoming;
        switch (command.CommandField)
        {
            case CommandField.CEchoRequest:
                await SkipDataSetAsync(incoming, cancellationToken).ConfigureAwait(false);
                var echoStatus = context.AbstractSyntax == DicomNetworkUids.Verification && providers.Echo is { } echo
                    ? await echo.OnCEchoAsync(association, cancellationToken).ConfigureAwait(false)
                    : DimseStatus.SopClassNotSupported;
                await RespondAsync(incoming, command.ResponseWith(echoStatus), cancellationToken).ConfigureAwait(false);
                break;
            case CommandField.CStoreRequest:
                await StoreAsync(incoming, cancellationToken).ConfigureAwait(false);
                break;
            case CommandField.CCancelRequest:
                // C-CANCEL has no response (PS3.7 9.3.2.3); we have nothing pending to cancel.
                break;
            default:
                await SkipDataSetAsync(incoming, cancellationToken).ConfigureAwait(false);
                if (command.IsRequest)
                {
                    logger.LogInformation("assoc#{Id}: unsupported operation {Command}", association.Id, command.CommandField);
                    await RespondAsync(incoming, command.ResponseWith(DimseStatus.UnrecognizedOperation), cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    private async ValueTask StoreAsync(IncomingCommand incoming, CancellationToken cancellationToken)
    {
        var (context, command) = incoming;
        if (!command.HasDataSet)
        {
            await RespondAsync(incoming, command.ResponseWith(DimseStatus.CannotUnderstand, "C-STORE without a dataset"), cancellationToken).ConfigureAwait(false);
            return;
        }

        var dataSet = new DicomDataSetStream(channel, context.Id, options.Timeouts.Idle);
        CStoreResult result;
        if (providers.Store is not { } store || !options.AcceptStorageSopClass(context.AbstractSyntax))
        {
            result = new CStoreResult(DimseStatus.SopClassNotSupported, "Storage is not offered on this presentation context");
        }
        else if (command.AffectedSopClassUid != context.AbstractSyntax)
        {
            // PS3.4 B.2.3: the SOP class must match the presentation context it is sent on.
            result = new CStoreResult(DimseStatus.SopClassNotSupported, "SOP class differs from the presentation context");
        }
        else if (string.IsNullOrEmpty(command.AffectedSopInstanceUid) || command.MessageId is null)
        {
            result = new CStoreResult(DimseStatus.CannotUnderstand, "Missing affected SOP instance UID or message ID");
        }
        else
        {
            var request = new CStoreRequest
            {
                Association = association,
                PresentationContext = context,
                SopClassUid = command.AffectedSopClassUid,
                SopInstanceUid = command.AffectedSopInstanceUid,
                MessageId = command.MessageId.Value,
                Priority = command.Priority ?? 0,
                MoveOriginatorAeTitle = command.MoveOriginatorAeTitle,
                MoveOriginatorMessageId = command.MoveOriginatorMessageId,
            };
            try
            {
                result = await store.OnCStoreAsync(request, dataSet, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not (DicomAssociationAbortedException or OperationCanceledException))
            {
                logger.LogError(ex, "assoc#{Id}: storage provider failed for {SopInstanceUid}", association.Id, command.AffectedSopInstanceUid);
                result = new CStoreResult(DimseStatus.ProcessingFailure, "Storage failed");
            }
        }

        await dataSet.DrainAsync(cancellationToken).ConfigureAwait(false);
        if (!result.Status.IsSuccess)
        {
            logger.LogWarning("assoc#{Id}: C-STORE {SopInstanceUid} answered {Status}: {Comment}", association.Id, command.AffectedSopInstanceUid, result.Status, result.ErrorComment);
        }

        await RespondAsync(incoming, command.ResponseWith(result.Status, result.Status.IsSuccess ? null : result.ErrorComment), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SkipDataSetAsync(IncomingCommand incoming, CancellationToken cancellationToken)
    {
        if (incoming.Command.HasDataSet)
        {
            await new DicomDataSetStream(channel, incoming.PresentationContext.Id, options.Timeouts.Idle).DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask RespondAsync(IncomingCommand incoming, DimseCommand response, CancellationToken cancellationToken) =>
        channel.SendCommandAsync(incoming.PresentationContext.Id, response, cancellationToken);
}
