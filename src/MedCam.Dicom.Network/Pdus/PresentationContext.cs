namespace MedCam.Dicom.Network.Pdus;

/// <summary>A presentation context as proposed in an A-ASSOCIATE-RQ: one abstract syntax, transfer syntaxes in preference order.</summary>
public sealed record PresentationContextProposal(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);

/// <summary>The acceptor's answer for one proposed presentation context (PS3.8 9.3.3.2).</summary>
public sealed record PresentationContextAnswer(byte Id, PresentationContextResult Result, string? TransferSyntax)
{
    public bool IsAccepted => Result == PresentationContextResult.Acceptance;
}

/// <summary>Result/reason field of a presentation context item in an A-ASSOCIATE-AC.</summary>
public enum PresentationContextResult : byte
{
    Acceptance = 0,
    UserRejection = 1,
    NoReason = 2,
    AbstractSyntaxNotSupported = 3,
    TransferSyntaxesNotSupported = 4,
}
