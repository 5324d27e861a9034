"""DFT outputs (VASP, extxyz, NEB images) -> kinetic parameters with provenance."""
