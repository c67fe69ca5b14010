using MedCam.Dicom.Network.Association;

namespace MedCam.Dicom.Network.Tests;

/// <summary>Walks PS3.8 Table 9-10.</summary>
public sealed class AssociationStateMachineTests
{
    [Fact]
    public void Requestor_HappyPath_EstablishesAndReleases()
    {
        var machine = new AssociationStateMachine(isRequestor: true);

        Assert.Equal(AssociationAction.AE1IssueTransportConnect, machine.Fire(AssociationEvent.AssociateRequestPrimitive).Action);
        Assert.Equal(AssociationAction.AE2SendAssociateRequest, machine.Fire(AssociationEvent.TransportConnectConfirm).Action);
        Assert.Equal(AssociationAction.AE3ConfirmAccept, machine.Fire(AssociationEvent.AssociateAcceptReceived).Action);
        Assert.Equal(AssociationState.Established, machine.State);
        Assert.Equal(AssociationAction.DT1SendPData, machine.Fire(AssociationEvent.PDataRequestPrimitive).Action);
        Assert.Equal(AssociationAction.AR1SendReleaseRequest, machine.Fire(AssociationEvent.ReleaseRequestPrimitive).Action);
        Assert.Equal(AssociationAction.AR6IndicatePData, machine.Fire(AssociationEvent.PDataReceived).Action);
        Assert.Equal(AssociationAction.AR3ConfirmReleaseAndClose, machine.Fire(AssociationEvent.ReleaseResponseReceived).Action);
        Assert.Equal(AssociationState.Idle, machine.State);
    }

    [Fact]
    public void Acceptor_HappyPath_EstablishesAndReleases()
    {
        var machine = new AssociationStateMachine(isRequestor: false);

        machine.Fire(AssociationEvent.TransportConnectIndication);
        Assert.Equal(AssociationState.AwaitingAssociateRequest, machine.State);
        Assert.Equal(AssociationAction.AE6StopArtimIndicateRequest, machine.Fire(AssociationEvent.AssociateRequestReceived).Action);
        Assert.Equal(AssociationAction.AE7SendAccept, machine.Fire(AssociationEvent.AssociateAcceptPrimitive).Action);
        Assert.Equal(AssociationAction.DT2IndicatePData, machine.Fire(AssociationEvent.PDataReceived).Action);
        Assert.Equal(AssociationAction.AR2IndicateReleaseRequest, machine.Fire(AssociationEvent.ReleaseRequestReceived).Action);
        Assert.Equal(AssociationAction.AR7SendPData, machine.Fire(AssociationEvent.PDataRequestPrimitive).Action);
        Assert.Equal(AssociationAction.AR4SendReleaseResponseStartArtim, machine.Fire(AssociationEvent.ReleaseResponsePrimitive).Action);
        Assert.Equal(AssociationAction.AR5StopArtim, machine.Fire(AssociationEvent.TransportClosed).Action);
        Assert.Equal(AssociationState.Idle, machine.State);
    }

    [Theory]
    [InlineData(true, AssociationState.CollisionRequestorAwaitingLocalResponse)]
    [InlineData(false, AssociationState.CollisionAcceptorAwaitingReleaseResponse)]
    public void ReleaseCollision_BranchesByRole(bool isRequestor, AssociationState expected)
    {
        var machine = Established(isRequestor);
        machine.Fire(AssociationEvent.ReleaseRequestPrimitive);

        var transition = machine.Fire(AssociationEvent.ReleaseRequestReceived);

        Assert.Equal(AssociationAction.AR8IndicateReleaseCollision, transition.Action);
        Assert.Equal(expected, machine.State);
        if (isRequestor)
        {
            Assert.Equal(AssociationAction.AR9SendReleaseResponse, machine.Fire(AssociationEvent.ReleaseResponsePrimitive).Action);
            Assert.Equal(AssociationAction.AR3ConfirmReleaseAndClose, machine.Fire(AssociationEvent.ReleaseResponseReceived).Action);
        }
        else
        {
            Assert.Equal(AssociationAction.AR10ConfirmRelease, machine.Fire(AssociationEvent.ReleaseResponseReceived).Action);
            Assert.Equal(AssociationAction.AR4SendReleaseResponseStartArtim, machine.Fire(AssociationEvent.ReleaseResponsePrimitive).Action);
        }
    }

    [Theory]
    [InlineData(AssociationEvent.AssociateRequestReceived)]
    [InlineData(AssociationEvent.AssociateAcceptReceived)]
    [InlineData(AssociationEvent.InvalidPduReceived)]
    public void Established_UnexpectedPdu_AbortsAsProvider(AssociationEvent evt)
    {
        var machine = Established(isRequestor: false);

        var transition = machine.Fire(evt);

        Assert.Equal(AssociationAction.AA8SendProviderAbortStartArtim, transition.Action);
        Assert.Equal(AssociationState.AwaitingTransportClose, machine.State);
    }

    [Fact]
    public void AwaitingRequest_AnyOtherPdu_AbortsAndArtimCloses()
    {
        var machine = new AssociationStateMachine(isRequestor: false);
        machine.Fire(AssociationEvent.TransportConnectIndication);

        Assert.Equal(AssociationAction.AA1SendAbortStartArtim, machine.Fire(AssociationEvent.PDataReceived).Action);
        Assert.Equal(AssociationAction.AA6Ignore, machine.Fire(AssociationEvent.PDataReceived).Action);
        Assert.Equal(AssociationAction.AA7SendAbort, machine.Fire(AssociationEvent.InvalidPduReceived).Action);
        Assert.Equal(AssociationAction.AA2CloseTransport, machine.Fire(AssociationEvent.ArtimExpired).Action);
        Assert.Equal(AssociationState.Idle, machine.State);
    }

    [Fact]
    public void LocalPrimitive_InWrongState_Throws()
    {
        var machine = new AssociationStateMachine(isRequestor: true);

        Assert.Throws<InvalidOperationException>(() => machine.Fire(AssociationEvent.PDataRequestPrimitive));
        Assert.Null(machine.TryFire(AssociationEvent.ReleaseResponsePrimitive));
        Assert.Equal(AssociationState.Idle, machine.State);
    }

    [Fact]
    public void PeerAbort_FromAnyLiveState_ClosesImmediately()
    {
        foreach (var isRequestor in new[] { true, false })
        {
            var machine = Established(isRequestor);
            Assert.Equal(AssociationAction.AA3IndicateAbortAndClose, machine.Fire(AssociationEvent.AbortReceived).Action);
            Assert.Equal(AssociationState.Idle, machine.State);
        }
    }

    private static AssociationStateMachine Established(bool isRequestor)
    {
        var machine = new AssociationStateMachine(isRequestor);
        if (isRequestor)
        {
            machine.Fire(AssociationEvent.AssociateRequestPrimitive);
            machine.Fire(AssociationEvent.TransportConnectConfirm);
            machine.Fire(AssociationEvent.AssociateAcceptReceived);
        }
        else
        {
            machine.Fire(AssociationEvent.TransportConnectIndication);
            machine.Fire(AssociationEvent.AssociateRequestReceived);
            machine.Fire(AssociationEvent.AssociateAcceptPrimitive);
        }

        return machine;
    }
}
