"""A 10 nm x 10 nm x 5 nm HfO2 VCM device (40 x 40 x 20 sites): forming + one RESET/SET cycle on one core.

    python kmc/examples/vcm_device_cycle.py [--seed 1] [--v-reset -1.0] [--v-set 2.5] [--out device.nc]

Prints the wall time, events and field updates per phase and V_forming, V_reset, V_set, R_LRS, R_HRS
(see :mod:`kmc.device_cycle`); about 1-2 minutes. ``--out`` writes the I-V of the cycle (netCDF).
"""

from __future__ import annotations

import argparse

from kmc.device_cycle import DEVICE_SHAPE, device_cycle


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--v-reset", type=float, default=-1.0, help="RESET sweep end (V)")
    ap.add_argument("--v-set", type=float, default=2.5, help="SET sweep end (V)")
    ap.add_argument("--out", default=None, help="netCDF file for the cycle's I-V")
    args = ap.parse_args()
    r = device_cycle(DEVICE_SHAPE, seed=args.seed, v_reset=args.v_reset, v_set=args.v_set)
    for name, p in r["phases"].items():
        print(f"{name:8s} {p['wall_s']:7.1f} s  {p['events']:6d} events  {p['field_updates']:5d} field updates")
    print(f"total    {r['wall_s']:7.1f} s")
    print(f"V_forming {r['V_forming']:.2f} V  V_reset {r['V_reset']:.2f} V  V_set {r['V_set']:.2f} V  "
          f"R_LRS {r['R_lrs']:.3g} Ohm  R_HRS {r['R_hrs']:.3g} Ohm")
    if args.out:
        r["cycle_ds"].to_netcdf(args.out)


if __name__ == "__main__":
    main()
