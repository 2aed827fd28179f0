## unit tests of the decoder, the walker and the JSON writer
