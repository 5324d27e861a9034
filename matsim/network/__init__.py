"""Circuits of devices: crossbar arrays and oscillator/neuron networks.

Submodules (imported on use, so ``import matsim.network`` stays light):

* :mod:`matsim.network.crossbar` -- crossbar arrays (nodal solver, peripherals, DNN training);
* :mod:`matsim.network.oscillators` -- coupled Pearson-Anson Mott oscillators, spikes, phase locking;
* :mod:`matsim.network.neurons` -- one-device Mott neuron (threshold, f-I curve, refractoriness);
* :mod:`matsim.network.ascoli` -- two-cell NbOx RD-MCNN of Ascoli et al. (pitchfork / Hopf);
* :mod:`matsim.network.annealing` -- max-cut on a Hopfield network with annealed device noise;
* :mod:`matsim.network.reservoir` -- device echo-state network, NARMA10;
* :mod:`matsim.network.plotting` -- figures of the above.
"""
