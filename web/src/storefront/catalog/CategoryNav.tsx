export function CategoryNav() {
  return null;
}
