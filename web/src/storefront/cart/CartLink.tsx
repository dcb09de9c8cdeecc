export function CartLink() {
  return null;
}
