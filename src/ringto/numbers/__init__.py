"""ringto.numbers"""
