namespace MedCam.Imaging.Nifti;

/// <summary>
/// The NIfTI-1 qform parameterisation (nifti1.h, "Method 2"): world = R · diag(dx, dy, qfac·dz) · ijk + offset with
/// R a proper rotation given by the unit quaternion (a, b, c, d), a ≥ 0, only b, c, d stored.
/// </summary>
internal readonly record struct NiftiQuaternion(
    double B, double C, double D, double OffsetX, double OffsetY, double OffsetZ, double Dx, double Dy, double Dz, double Qfac)
{
    /// <summary>
    /// The nearest qform of an affine: axes are normalised and made orthogonal (Gram-Schmidt on the first two, the
    /// third from their cross product with the handedness in qfac), so a sheared affine keeps its exact form only in
    /// the sform.
    /// </summary>
    public static NiftiQuaternion FromAffine(NiftiAffine m)
    {
        var u0 = new[] { m[0, 0], m[1, 0], m[2, 0] };
        var u1 = new[] { m[0, 1], m[1, 1], m[2, 1] };
        var u2 = new[] { m[0, 2], m[1, 2], m[2, 2] };
        var dx = Norm(u0);
        var dy = Norm(u1);
        var dz = Norm(u2);
        var r0 = dx > 0 ? Scale(u0, 1 / dx) : [1.0, 0, 0];
        var r1 = dy > 0 ? Scale(u1, 1 / dy) : [0, 1.0, 0];
        var along = Dot(r0, r1);
        r1 = [r1[0] - (along * r0[0]), r1[1] - (along * r0[1]), r1[2] - (along * r0[2])];
        var n1 = Norm(r1);
        if (n1 < 1e-9)
        {
            throw new ArgumentException("The affine's first two axes are parallel; it has no qform.");
        }

        r1 = Scale(r1, 1 / n1);
        var r2 = NiftiAffine.Cross(r0, r1);
        var qfac = dz > 0 && Dot(u2, r2) < 0 ? -1.0 : 1.0;
        if (dz == 0)
        {
            dz = 1;
        }

        // Quaternion of the proper rotation [r0 r1 r2] (Shepperd's method, stable for every trace).
        double r00 = r0[0], r01 = r1[0], r02 = r2[0];
        double r10 = r0[1], r11 = r1[1], r12 = r2[1];
        double r20 = r0[2], r21 = r1[2], r22 = r2[2];
        var trace = r00 + r11 + r22;
        double a, b, c, d;
        if (trace > 0)
        {
            var s = Math.Sqrt(trace + 1) * 2;
            (a, b, c, d) = (0.25 * s, (r21 - r12) / s, (r02 - r20) / s, (r10 - r01) / s);
        }
        else if (r00 > r11 && r00 > r22)
        {
            var s = Math.Sqrt(1 + r00 - r11 - r22) * 2;
            (a, b, c, d) = ((r21 - r12) / s, 0.25 * s, (r01 + r10) / s, (r02 + r20) / s);
        }
        else if (r11 > r22)
        {
            var s = Math.Sqrt(1 + r11 - r00 - r22) * 2;
            (a, b, c, d) = ((r02 - r20) / s, (r01 + r10) / s, 0.25 * s, (r12 + r21) / s);
        }
        else
        {
            var s = Math.Sqrt(1 + r22 - r00 - r11) * 2;
            (a, b, c, d) = ((r10 - r01) / s, (r02 + r20) / s, (r12 + r21) / s, 0.25 * s);
        }

        if (a < 0)
        {
            (b, c, d) = (-b, -c, -d);
        }

        return new NiftiQuaternion(b, c, d, m[0, 3], m[1, 3], m[2, 3], dx, dy, dz, qfac);
    }

    /// <summary>The affine the qform describes (nifti1.h rotation matrix from the quaternion).</summary>
    public NiftiAffine ToAffine()
    {
        var a = Math.Sqrt(Math.Max(0, 1 - ((B * B) + (C * C) + (D * D))));
        double b = B, c = C, d = D;
        var dz = Dz * (Qfac < 0 ? -1 : 1);
        return NiftiAffine.FromRows(
            [((a * a) + (b * b) - (c * c) - (d * d)) * Dx, 2 * ((b * c) - (a * d)) * Dy, 2 * ((b * d) + (a * c)) * dz, OffsetX],
            [2 * ((b * c) + (a * d)) * Dx, ((a * a) + (c * c) - (b * b) - (d * d)) * Dy, 2 * ((c * d) - (a * b)) * dz, OffsetY],
            [2 * ((b * d) - (a * c)) * Dx, 2 * ((c * d) + (a * b)) * Dy, ((a * a) + (d * d) - (c * c) - (b * b)) * dz, OffsetZ]);
    }

    private static double Norm(double[] v) => Math.Sqrt(Dot(v, v));

    private static double Dot(double[] u, double[] v) => (u[0] * v[0]) + (u[1] * v[1]) + (u[2] * v[2]);

    private static double[] Scale(double[] v, double s) => [v[0] * s, v[1] * s, v[2] * s];
}
