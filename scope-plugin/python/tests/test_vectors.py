"""The scope vectors shared with the Java codec (keystone-token's ScopeVectorsTest).

Both codecs must make the same canonical scope of every input, or both
reject it: a client that sends what this plugin accepts gets it read the same
way by the proxy.
"""

import json
import os
import unittest

from oscope_scope import scope

VECTORS = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
    os.pardir, 'keystone-token', 'src', 'test', 'resources',
    'scope-vectors.json')


def load_vectors():
    with open(VECTORS, encoding='utf-8') as f:
        return json.load(f)['vectors']


class ScopeVectorsTest(unittest.TestCase):

    def test_there_are_vectors_of_both_kinds(self):
        vectors = load_vectors()
        self.assertTrue(any('canonical' in v for v in vectors))
        self.assertTrue(any('error' in v for v in vectors))

    def test_every_vector(self):
        for vector in load_vectors():
            text = vector['scope']
            with self.subTest(scope=text):
                if 'canonical' in vector:
                    parsed = scope.parse_scope_json(text)
                    self.assertEqual(vector['canonical'], scope.encode(parsed))
                else:
                    with self.assertRaises(scope.ScopeError,
                                           msg=vector['error']):
                        scope.parse_scope_json(text)


if __name__ == '__main__':
    unittest.main()
