global using MedCam.Testing;
