"""Kinetic Monte Carlo of ionic defects in memristive oxides and electrochemical cells."""
