"""Circuits of devices: crossbar arrays and oscillator/neuron networks."""
