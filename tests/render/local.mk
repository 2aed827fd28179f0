## tests of textpipe render
