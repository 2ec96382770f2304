"""Printed matter: counter posters, QR codes and the fonts PDFs need."""
